"""Train the fusion model on simulator scenarios (seeds < 1,000,000), reproducibly, on a laptop CPU.

For every scenario the engine computes each source's raw evidence at every tick (the same code as
replay). Labels per (source, tick): 1 while the scenario's event from that source is under way
(onset to 30 min after the wave's last zone arrival), 0 before it and in rain, quiet and fault
scenarios. Ticks that are ambiguous by construction are left out: after the onset, the *other*
sources of the same valley (a sibling lake, the valley's debris-flow source during an outburst).

Per hazard: standardised terms (:func:`glofwatch.detection.fusion.design`), a logistic regression
(scikit-learn, L2, fixed solver: deterministic) fitted on two thirds of the scenarios, an isotonic
calibration fitted on the other third, and level thresholds chosen on all training scenarios:
``evacuate`` just above the highest probability any non-event tick reached (no evacuation on rain,
faults or quiet days), ``warning`` and ``advisory`` lower. Written as JSON with its training config.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd

from glofwatch.detection.features import RAW, source_features
from glofwatch.detection.fusion import MODEL_PATH, design, evidence_gates
from glofwatch.detection.replay import load_engine
from glofwatch.site.model import Site

EVALUATION_SEED_START = 1_000_000
AFTER_MS = 30 * 60_000


def _ms(s: str | None) -> int | None:
    return None if s is None else int(pd.Timestamp(s).value // 1_000_000)


@dataclass
class Rows:
    raw: dict[str, list[np.ndarray]]
    y: list[np.ndarray]
    group: list[np.ndarray]
    negative_scenario: list[np.ndarray]


def scenario_rows(site: Site, telemetry: pd.DataFrame, truth: dict[str, Any], group: int,
                  into: dict[str, Rows]) -> None:
    """Append (raw features, label) rows of every source of one scenario to ``into[hazard]``."""
    eng, ticks = load_engine(site, telemetry, detector="thresholds")
    if len(ticks) == 0:
        return
    kind = truth.get("kind")
    onset = _ms(truth.get("onset"))
    arr = [_ms(t) for t in (truth.get("arrivals") or {}).values()]
    end = (max(a for a in arr if a is not None) if arr else onset or 0) + AFTER_MS
    topo = eng.topology
    src_path = (truth.get("source") or {}).get("flow_path")
    event_valley = topo.valley_of_lake(truth["lake"]) if truth.get("lake") else \
        (topo.valley_of_lake(src_path) if src_path else None)
    for src in topo.sources:
        sf = source_features(site, src, eng.states, ticks)
        y = np.zeros(len(ticks), dtype=np.int8)
        keep = np.ones(len(ticks), dtype=bool)
        if kind in ("glof", "debris_flow") and onset is not None:
            during = (ticks >= onset) & (ticks <= end)
            mine = (src.hazard == kind and src.valley == event_valley and
                    (kind == "debris_flow" or src.lake == truth.get("lake")))
            if mine:
                # a debris flow is observable once it passes a station: earlier ticks are left out
                seen = [_ms(t) for t in (truth.get("stations") or {}).values()]
                first = min([t for t in seen if t is not None], default=onset) if kind == "debris_flow" else onset
                y[during & (ticks >= first)] = 1
                keep &= (ticks <= end) & ~((ticks >= onset) & (ticks < first))
            elif src.valley == event_valley:
                keep &= ticks < onset
        r = into.setdefault(src.hazard, Rows({k: [] for k in RAW}, [], [], []))
        for k in RAW:
            r.raw[k].append(sf.raw[k][keep])
        r.y.append(y[keep])
        r.group.append(np.full(int(keep.sum()), group))
        r.negative_scenario.append(np.full(int(keep.sum()), kind in ("rain", "quiet", "fault")))


def fit_hazard(hazard: str, rows: Rows, *, seed: int) -> dict[str, Any]:
    from sklearn.isotonic import IsotonicRegression
    from sklearn.linear_model import LogisticRegression

    raw = {k: np.concatenate(v) for k, v in rows.raw.items()}
    y = np.concatenate(rows.y)
    g = np.concatenate(rows.group)
    neg = np.concatenate(rows.negative_scenario)
    names, x = design(raw)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    xs = (x - mean) / scale
    rng = np.random.default_rng(seed)
    groups = np.unique(g)
    calib_groups = rng.choice(groups, size=max(1, len(groups) // 3), replace=False)
    calib = np.isin(g, calib_groups)
    if len(np.unique(y[~calib])) < 2 or len(np.unique(y[calib])) < 2:
        raise ValueError(f"{hazard}: the training or calibration scenarios hold no event of this hazard; "
                         "use more scenarios (--n 100 or more)")
    lr = LogisticRegression(C=1.0, max_iter=2000, solver="lbfgs")
    lr.fit(xs[~calib], y[~calib])
    m = xs @ lr.coef_[0] + lr.intercept_[0]
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0)
    iso.fit(m[calib], y[calib])
    xs_knots = np.asarray(iso.X_thresholds_)
    ys_knots = np.asarray(iso.y_thresholds_)
    p = np.interp(m, xs_knots, ys_knots)
    # level thresholds: evacuate above anything a non-event tick reached
    _warn, gate = evidence_gates(hazard, raw)
    sel = neg & gate
    passing = int(len(np.unique(g[sel])))
    if sel.any():  # per negative scenario, its highest gated probability; evacuate above nearly all of them
        per = np.asarray(pd.Series(p[sel]).groupby(g[sel]).max())
        top_neg = float(np.quantile(np.r_[per, np.zeros(len(np.unique(g[neg])) - len(per))], 0.99))
    else:
        top_neg = 0.5
    top_quiet = float(np.quantile(p[(y == 0)], 0.999)) if (y == 0).any() else 0.3
    evac = float(min(max(top_neg + 0.02, 0.5), 0.98))
    warn = float(min(max(top_quiet, 0.3), evac - 0.05))
    adv = float(max(0.1, warn / 2))
    entry = {"advisory": round(adv, 4), "warning": round(warn, 4), "evacuate": round(evac, 4)}
    exit_ = {k: round(v / 2, 4) for k, v in entry.items()}
    pos = y == 1
    return {
        "terms": names, "mean": mean.round(6).tolist(), "scale": scale.round(6).tolist(),
        "coef": lr.coef_[0].round(6).tolist(), "intercept": round(float(lr.intercept_[0]), 6),
        "iso_x": xs_knots.round(6).tolist(), "iso_y": ys_knots.round(6).tolist(),
        "entry": entry, "exit": exit_,
        "stats": {"rows": int(len(y)), "positive_rows": int(pos.sum()), "scenarios": int(len(groups)),
                  "non_event_scenarios_passing_evacuation_gate": passing,
                  "p99_gated_p_non_event_scenarios": round(top_neg, 4) if passing else None,
                  "brier_calibration_set": round(float(np.mean((p[calib] - y[calib]) ** 2)), 5)},
    }


def folder_rows(site: Site, folder: Path, first_group: int, into: dict[str, Rows]) -> dict[str, Any]:
    """Append the rows of every scenario of a ``glofwatch simulate``-layout folder (``truth.jsonl`` + CSVs,
    e.g. from another generator or from recorded events with their truth); return what the model's meta
    records of it: the folder's name, its generators, how many scenarios of each kind, their seed range and
    the sha1 of its truth.jsonl (the folder is rebuilt from those seeds with its generator's command)."""
    from glofwatch.errors import GlofwatchError
    from glofwatch.evaluation.run import folder_cases

    folder = Path(folder)
    truth_file = folder / "truth.jsonl"
    if not truth_file.exists():
        raise GlofwatchError(f"--scenarios {folder}: no truth.jsonl there; give a folder written by `glofwatch simulate` "
                             "or a scenario generator (truth.jsonl + one CSV a scenario)")
    kinds: dict[str, int] = {}
    generators: set[str] = set()
    seeds: list[int] = []
    for i, case in enumerate(folder_cases(folder)):
        t = case.truth
        if t.get("kind") not in ("glof", "debris_flow", "rain", "quiet", "fault"):
            raise GlofwatchError(f"--scenarios {folder}: scenario {t.get('id')} has kind {t.get('kind')!r}; "
                                 "training takes glof, debris_flow, rain, quiet and fault scenarios")
        scenario_rows(site, case.telemetry, t, first_group + i, into)
        kinds[t["kind"]] = kinds.get(t["kind"], 0) + 1
        # the generator's own name, else the id's leading word ("blind90993000-rain" -> "blind")
        generators.add(str(t.get("generator") or re.match(r"[A-Za-z_]*", str(t.get("id", ""))).group() or "unknown"))
        if isinstance(t.get("seed"), int):
            seeds.append(t["seed"])
    if not kinds:
        raise GlofwatchError(f"--scenarios {folder}: truth.jsonl lists no scenario")
    return {"folder": folder.name, "generators": sorted(generators), "kinds": dict(sorted(kinds.items())),
            "seeds": [min(seeds), max(seeds)] if seeds else None,
            "truth_sha1": hashlib.sha1(truth_file.read_bytes()).hexdigest()[:12]}


def train(site: Site, *, n: int = 400, seed: int = 0, out: Path | None = None, log: Any = None,
          shifted: float = 0.0, folders: Sequence[Path] = ()) -> Path:
    """Build the fusion model from ``n`` scenarios with seeds ``seed .. seed+n-1`` (all < 1,000,000), and
    from the scenarios of ``folders`` (other generators' development seeds, recorded events).

    ``shifted``: the share of them drawn with the ``shifted`` physics (every ``round(1 / shifted)``-th seed
    and its successors up to the share, deterministic), so the model sees the default's assumptions moved."""
    from glofwatch.sim.scenarios import scenario

    try:
        import sklearn  # noqa: F401
    except ImportError as e:
        from glofwatch.errors import MissingExtraError

        raise MissingExtraError("`glofwatch train` needs scikit-learn: pip install 'glofwatch[ml]'") from e
    if seed + n > EVALUATION_SEED_START:
        raise ValueError(f"training seeds {seed}..{seed + n - 1} reach the evaluation range (>= {EVALUATION_SEED_START}); "
                         "lower --seed or --n")
    into: dict[str, Rows] = {}
    if not 0.0 <= shifted <= 1.0:
        raise ValueError(f"--shifted {shifted}: a share between 0 and 1")
    for i, s in enumerate(range(seed, seed + n)):
        # seed s is shifted when the running share of shifted scenarios falls behind ``shifted``
        variant = "shifted" if int((i + 1) * shifted) > int(i * shifted) else None
        sc = scenario(site, s, variant=variant)
        scenario_rows(site, sc.telemetry, sc.truth, s, into)
        if log and (i + 1) % 50 == 0:
            log(f"  {i + 1}/{n} scenarios")
    extra: list[dict[str, Any]] = []
    for f in folders:
        # groups (the calibration split's unit) of folder scenarios never collide with simulator seeds
        extra.append(folder_rows(site, Path(f), EVALUATION_SEED_START + 1_000_000 * (len(extra) + 1), into))
        if log:
            log(f"  {f}: {sum(extra[-1]['kinds'].values())} scenarios ({', '.join(extra[-1]['generators'])})")
    hazards = {h: fit_hazard(h, r, seed=seed) for h, r in sorted(into.items())}
    model = {
        "format": "glofwatch-fusion/1",
        "meta": {"site": site.id, "seeds": [seed, seed + n - 1], "n": n, "shifted_share": shifted,
                 "folders": extra,
                 "trained": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                 "model": "logistic regression (scikit-learn lbfgs, C=1) + isotonic calibration, per hazard",
                 "labels": "event under way: onset .. last zone arrival + 30 min"},
        "hazards": hazards,
    }
    p = Path(out or MODEL_PATH)
    p.parent.mkdir(parents=True, exist_ok=True)
    body = orjson.dumps(model, option=orjson.OPT_INDENT_2)
    p.write_bytes(body)
    if log:
        log(f"wrote {p} ({len(body) / 1024:.0f} KB, sha1 {hashlib.sha1(body).hexdigest()[:12]})")
    return p
