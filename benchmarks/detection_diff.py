"""Figure: what a detection change did, scenario by scenario, between two runs of `glofwatch evaluate` on the same sets.

Each run is a folder holding one `evaluate --out` folder per scenario set (``RUN/<set>/fusion.scores.jsonl``), made by
running ``glofwatch evaluate --scenarios SETS/<set> --detector fusion --out RUN/<set>`` for each set, once with the code
before the change and once after (a git worktree of the base commit on ``PYTHONPATH`` gives the "before").
Prints each event found, lost, sooner or later (minutes) and each change in false or wrong-zone evacuations, then the
totals: the lines the development tables of BENCHMARKS.md are made of.

    .venv/bin/python benchmarks/detection_diff.py BEFORE AFTER [SET ...] [--detector fusion] [--quiet]

``--against DETECTOR`` reads AFTER's runs of another detector: ``detection_diff.py RUN RUN --against thresholds`` (one
`glofwatch evaluate` run with both detectors) lists what the fixed thresholds find that the fusion misses (FOUND) and
where they evacuate sooner (sooner), which is where stop 33's rule was read from.
"""

from __future__ import annotations

import argparse
import collections
import json
import statistics
from pathlib import Path


def load(run: Path, name: str, detector: str) -> dict[str, dict]:
    path = run / name / f"{detector}.scores.jsonl"
    if not path.exists():
        raise SystemExit(f"{path} is missing: run `glofwatch evaluate --scenarios DIR --out {run / name}` first")
    with path.open() as f:
        return {r["id"]: r for r in map(json.loads, f)}


def diff(before: dict[str, dict], after: dict[str, dict], name: str, totals: dict[str, float],
         lines: list[str]) -> None:
    for sid, a in before.items():
        b = after.get(sid)
        if b is None:
            raise SystemExit(f"{name}/{sid} is in the first run only: were both runs made on the same scenarios?")
        if a["hazard"]:
            totals["events"] += 1
            found_a, found_b = bool(a["detected"]), bool(b["detected"])
            totals["found_before"] += found_a
            totals["found_after"] += found_b
            totals["warned_before"] += bool(a["detected_warning"])
            totals["warned_after"] += bool(b["detected_warning"])
            if found_a and not found_b:
                lines.append(f"LOST   {name} {sid} (was {a['warning_min']} min before the first zone)")
            elif found_b and not found_a:
                lines.append(f"FOUND  {name} {sid} {b['warning_min']} min before the first zone (was {a['miss_reason']})")
            elif found_a and found_b and a["warning_min"] is not None and b["warning_min"] is not None:
                d = b["warning_min"] - a["warning_min"]
                if abs(d) > 0.01:
                    totals["sooner" if d > 0 else "later"] += 1
                    lines.append(f"{'sooner' if d > 0 else 'later':<6} {name} {sid} {d:+.1f} min")
        for field, key in (("false_evacuations", "false evacuations"), ("wrong_zone", "wrong-zone"),
                           ("false_warnings", "false warnings")):
            totals[f"{key} before"] += a[field]
            totals[f"{key} after"] += b[field]
            if a[field] != b[field] and field != "false_warnings":
                lines.append(f"{key:<18} {name} {sid} {a[field]} -> {b[field]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before", type=Path, help="folder of the run before the change")
    ap.add_argument("after", type=Path, help="folder of the run after it")
    ap.add_argument("sets", nargs="*", help="scenario sets (sub-folders) to compare; default: all in BEFORE")
    ap.add_argument("--detector", default="fusion")
    ap.add_argument("--against", help="detector of the AFTER run (default: --detector's), e.g. thresholds")
    ap.add_argument("--quiet", action="store_true", help="totals only")
    a = ap.parse_args()
    sets = a.sets or sorted(p.name for p in a.before.iterdir() if (p / f"{a.detector}.scores.jsonl").exists())
    if not sets:
        raise SystemExit(f"no {a.detector}.scores.jsonl under {a.before}/*/")
    totals: dict[str, float] = collections.defaultdict(float)
    lines: list[str] = []
    fractions: dict[str, list[float]] = {"before": [], "after": []}
    for name in sets:
        before, after = load(a.before, name, a.detector), load(a.after, name, a.against or a.detector)
        diff(before, after, name, totals, lines)
        for which, run in (("before", before), ("after", after)):
            fractions[which] += [r["warning_fraction"] or 0.0 for r in run.values() if r["hazard"] and r["detected"]]
    if not a.quiet:
        print("\n".join(lines))
    med = {k: round(statistics.median(v), 3) if v else None for k, v in fractions.items()}
    print(f"{len(sets)} sets, {int(totals['events'])} events: found {int(totals['found_before'])} -> "
          f"{int(totals['found_after'])}, {int(totals['sooner'])} sooner, {int(totals['later'])} later; "
          f"warned in time {int(totals['warned_before'])} -> {int(totals['warned_after'])}; median fraction of the found "
          f"{med['before']} -> {med['after']}")
    print(", ".join(f"{k} {int(totals[k + ' before'])} -> {int(totals[k + ' after'])}"
                    for k in ("false evacuations", "wrong-zone", "false warnings")))


if __name__ == "__main__":
    main()
