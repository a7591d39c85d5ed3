"""What a new station buys: the same floods and no-hazard days scored with and without it.

The Ministry's question before it spends on a station: add a station to a copy of the site (a level station at a lake
nobody watches, default cha-2 of the demo site; or a geophone, river gauge or rain gauge on a lake's flow path), generate
outbursts (and, for a path station, debris flows) and no-hazard days (rain, sensor faults, quiet) on that site with the three
generators (ours, the independent and the blind red team), and score every set twice through `glofwatch evaluate`: as
generated, on the site with the station, and with the new station's rows taken out, on the site as it is. Both sides
hold the same floods and the same readings of every other sensor, so what differs is the station alone. Prints, per
generator, detector and source (an outburst of a lake, a debris flow in a valley), the events evacuated before the first
zone (all, and those of 20 m3/s or more at the first zone), the median share of the available time, false evacuations
and no-hazard days warned of; with ``--watch``, how many outbursts and no-hazard days the fusion's level_slide WATCH
told the duty officer of (a lake level sliding down for hours), with the station.

    .venv/bin/python benchmarks/network_station.py --lake cha-2 --n 300 --out /tmp/net [--jobs 2] [--watch] [--report]
    .venv/bin/python benchmarks/network_station.py --station geophone:cak-1:10 --n 300 --out /tmp/net-geo

Seeds default to development ranges (never the held-out ones): ours 1 033 000, independent 10 045 300, blind
90 987 600, the fourth (holdout) generator 200 000 000, the fifth (crosscheck) 300 000 000 (``--generators
ours,independent,blind,holdout,crosscheck``); each
generator takes N outbursts from its seed, N no-hazard days from seed + N and, for a path station, N debris flows from
seed + 2N.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from glofwatch.detection.sources import Topology
from glofwatch.errors import SiteError
from glofwatch.evaluation.scoring import MINOR_PEAK_M3S
from glofwatch.site.load import load_site, resolve_site_path
from glofwatch.site.network import lake_station_id, path_station_id, with_lake_station, with_path_station

HERE = Path(__file__).resolve().parent
GENERATORS = {  # name: (command before the common options, how it takes kinds, first seed)
    "ours": ([sys.executable, "-m", "glofwatch", "simulate"], "--kind", 1_033_000),
    "independent": ([sys.executable, str(HERE / "independent_scenarios.py")], "--kinds", 10_045_300),
    "blind": ([sys.executable, str(HERE / "blind_scenarios.py")], "--kinds", 90_987_600),
    # development seeds only (200 000 000-200 000 999; 201 000 000+ are reserved for measurement): N <= 333
    "holdout": ([sys.executable, str(HERE / "holdout_scenarios.py")], "--kinds", 200_000_000),
    # development seeds only (300 000 000-300 000 999; 301 000 000+ only with --measure): N <= 333
    "crosscheck": ([sys.executable, str(HERE / "crosscheck_scenarios.py")], "--kinds", 300_000_000),
}
DEV_SEEDS_ONLY = ("holdout", "crosscheck")  # 1 000 development seeds each
NO_HAZARD = ("rain", "fault", "quiet")


def without_station(src: Path, dst: Path, station: str) -> None:
    """The same scenarios with every reading of STATION taken out (long CSV: time,station,sensor,value)."""
    dst.mkdir(parents=True, exist_ok=True)
    shutil.copy(src / "truth.jsonl", dst / "truth.jsonl")
    for f in sorted(src.glob("*.csv")):
        with f.open() as fin, (dst / f.name).open("w") as fout:
            fout.writelines(line for line in fin if line.split(",", 2)[1:2] != [station])


def run(cmd: list[str]) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr[-2000:]}")


def source_of(truth: dict, valley_of: dict[str, str]) -> str | None:
    """The source a scenario's event came from: ``glof:<lake>`` or ``debris_flow:<valley>`` (None: no hazard)."""
    if truth.get("hazard") == "glof":
        return f"glof:{truth.get('lake')}"
    if truth.get("hazard") == "debris_flow":
        path = (truth.get("source") or {}).get("flow_path")
        return f"debris_flow:{valley_of.get(path, path)}"
    return None


def score(ev: Path, truth: Path, detector: str, valley_of: dict[str, str]) -> dict:
    """Per source: (evacuated in time, events, median share of the available time, in time of those >= 20 m3/s at
    the first zone, events >= 20 m3/s) and, under ``<source>:heard``, (events heard of before the first zone, median
    minutes before); and the false evacuations of the set."""
    source = {t["id"]: source_of(t, valley_of) for x in truth.read_text().splitlines() if x.strip()
              for t in [json.loads(x)]}
    rows = [json.loads(x) for x in (ev / f"{detector}.scores.jsonl").read_text().splitlines() if x.strip()]
    out: dict = {"false_evacuations": sum(r["false_evacuations"] for r in rows)}
    for src in sorted({v for v in source.values() if v}):
        mine = [r for r in rows if source.get(r["id"]) == src]
        found = [r["warning_fraction"] for r in mine if r["detected"]]
        big = [r for r in mine if r["peak_first_zone_m3s"] is None or r["peak_first_zone_m3s"] >= MINOR_PEAK_M3S]
        out[src] = (len(found), len(mine), statistics.median(found) if found else float("nan"),
                    sum(1 for r in big if r["detected"]), len(big))
        heard = [r["alerted_min"] for r in mine if r.get("alerted_min") is not None]
        out[f"{src}:heard"] = (len(heard), statistics.median(heard) if heard else float("nan"))
    return out


def add_station(site_dir: Path, spec: str, out: Path, *, copy: bool = True) -> tuple[str, list[str]]:
    """The site copy at ``out`` for ``lake:LAKE`` or ``geophone|gauge|weather:LAKE:KM`` (``copy`` False: an earlier run's
    copy stays); returns (the station's id, the hazards to generate)."""
    kind, _, rest = spec.partition(":")
    if kind == "lake":
        if copy:
            with_lake_station(site_dir, rest, out)
        return lake_station_id(rest), ["glof"]
    lake, _, km = rest.partition(":")
    try:
        chainage = float(km)
    except ValueError:
        raise SystemExit(f"--station {spec!r}: give lake:LAKE, or geophone:LAKE:KM, gauge:LAKE:KM or weather:LAKE:KM (KM "
                         "the chainage along the lake's flow path)") from None
    if copy:
        with_path_station(site_dir, kind, lake, chainage, out)
    return path_station_id(kind, lake, chainage), ["glof", "debris_flow"]


def _slides(job: tuple[str, str, dict]) -> tuple[str, str | None, float | None, float | None, float | None]:
    """One scenario replayed with the fusion: (kind, lake, its first slide WATCH, first warning or evacuation of that
    lake, first arrival), times in epoch seconds (None: none)."""
    from glofwatch.clock import parse_iso
    from glofwatch.detection.replay import replay_frame
    from glofwatch.evaluation.run import read_telemetry, truth_windows

    site, folder, truth = job
    ds = replay_frame(_site_cached(site), read_telemetry(Path(folder) / truth["file"]),
                      maintenance=truth_windows(truth) or None)
    lake = truth.get("lake")

    def first(pred) -> float | None:  # type: ignore[no-untyped-def]
        return next((parse_iso(d.time).timestamp() for d in ds if pred(d)), None)

    slide = first(lambda d: any(SLIDE_WORDS in x for x in d.explanation) and (lake is None or d.lake == lake))
    warned = first(lambda d: d.level in ("warning", "evacuate") and d.lake == lake) if lake else None
    arrival = parse_iso(truth["first_arrival"]).timestamp() if truth.get("first_arrival") else None
    return truth["kind"], lake, slide, warned, arrival


SLIDE_WORDS = "water level has slid"  # level_slide's explanation: the WATCH that the slide raised
_SITES: dict[str, object] = {}


def _site_cached(site: str):  # type: ignore[no-untyped-def]
    if site not in _SITES:
        _SITES[site] = load_site(site)
    return _SITES[site]


def slide_watches(site: Path, floods: Path, no_hazard: Path, jobs: int) -> str:
    """What the level_slide WATCH told the duty officer: outbursts that had it before the first zone and before any
    warning (median minutes before the zone), and no-hazard days that had it."""
    from concurrent.futures import ProcessPoolExecutor

    work = [(str(site), str(d), json.loads(x)) for d in (floods, no_hazard)
            for x in (d / "truth.jsonl").read_text().splitlines() if x.strip()]
    with ProcessPoolExecutor(jobs) as pool:
        got = list(pool.map(_slides, work, chunksize=8))
    early = [(a - w) / 60 for k, _lk, w, f, a in got
             if k == "glof" and w is not None and a is not None and w < a and (f is None or w < f)]
    days = sum(1 for k, _lk, w, _f, _a in got if k != "glof" and w is not None)
    n_fl = sum(1 for g in got if g[0] == "glof")
    med = f", a median {statistics.median(early):.0f} min before the first zone" if early else ""
    return f"slide WATCH before any warning: {len(early)} of {n_fl} outbursts{med}; on {days} of {len(got) - n_fl} " \
           "no-hazard days"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", type=Path, default=None, help="site folder (default: the demo site)")
    ap.add_argument("--lake", default="cha-2", help="the lake nobody watches that gets a level station (= --station "
                    "lake:LAKE)")
    ap.add_argument("--station", default=None, help="lake:LAKE, or geophone:LAKE:KM, gauge:LAKE:KM or weather:LAKE:KM "
                    "for a station on LAKE's flow path KM km below it")
    ap.add_argument("--n", type=int, default=300, help="outbursts, debris flows and no-hazard days per generator")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--generators", default="ours,independent,blind", help="comma-separated: ours, independent, blind, "
                    "holdout, crosscheck")
    ap.add_argument("--detectors", default="fusion,thresholds")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--report", action="store_true", help="only print the table of an earlier run's OUT")
    ap.add_argument("--watch", action="store_true", help="also count the level_slide WATCHes (replays the sets again)")
    a = ap.parse_args()
    site_dir = resolve_site_path(a.site).parent
    spec = a.station or f"lake:{a.lake}"
    new_site = a.out / "site"
    try:
        station, hazards = add_station(site_dir, spec, new_site, copy=not a.report)
    except SiteError as e:
        raise SystemExit(str(e)) from None
    topology = Topology(load_site(site_dir))
    valley_of = {lk.id: topology.valley_of_lake(lk.id) for lk in topology.site.lakes}
    gens = [g.strip() for g in a.generators.split(",") if g.strip()]
    unknown = sorted(set(gens) - set(GENERATORS))
    if unknown:
        raise SystemExit(f"unknown generator(s) {', '.join(unknown)}: pick from {', '.join(GENERATORS)}")
    capped = [g for g in gens if g in DEV_SEEDS_ONLY]
    if capped and 3 * a.n > 1000:
        raise SystemExit(f"--n {a.n}: the {' and '.join(capped)} generator's development seeds are 1 000 from "
                         f"{', '.join(str(GENERATORS[g][2]) for g in capped)} (the ones above are reserved for "
                         "measurement); give --n 333 or less")
    parts = [("floods", 0, ["glof"]), ("no-hazard", 1, list(NO_HAZARD))]
    if "debris_flow" in hazards:
        parts.append(("flows", 2, ["debris_flow"]))
    sets: list[Path] = []
    gen_cmds = []
    for g in gens:
        cmd, kinds_opt, seed = GENERATORS[g]
        for part, k, kinds in parts:
            d = a.out / "with" / f"{g}-{part}"
            kind_args = [x for kd in kinds for x in (kinds_opt, kd)] if kinds_opt == "--kind" else \
                [kinds_opt, ",".join(kinds)]
            gen_cmds.append([*cmd, "--site", str(new_site), "--out", str(d), "--seed", str(seed + k * a.n), "--n",
                             str(a.n), *kind_args])
            sets.append(d)
    if not a.report:
        print(f"station {station}; generating {len(gen_cmds)} sets of {a.n} ...", flush=True)
        with ThreadPoolExecutor(a.jobs) as pool:
            list(pool.map(run, gen_cmds))
    eval_cmds = []
    for d in sets:
        bare = a.out / "without" / d.name
        if not a.report:
            without_station(d, bare, station)
        for side, folder, site in (("with", d, new_site), ("without", bare, site_dir)):
            eval_cmds.append([sys.executable, "-m", "glofwatch", "evaluate", "--site", str(site), "--scenarios",
                              str(folder), "--out", str(a.out / "scores" / side / d.name),
                              *[x for det in a.detectors.split(",") for x in ("--detector", det)]])
    if not a.report:
        print(f"scoring {len(eval_cmds)} replays ...", flush=True)
        with ThreadPoolExecutor(a.jobs) as pool:
            list(pool.map(run, eval_cmds))
    print(f"\nevents evacuated before the first zone (found/n, median share of the available time) [those of "
          f"{MINOR_PEAK_M3S:g} m3/s or more at the first zone]; without -> with {station}")
    event_parts = [p for p, _k, kinds in parts if p != "no-hazard"]
    for g in gens:
        for det in a.detectors.split(","):
            cells = []
            for side in ("without", "with"):
                got: dict = {"false_evacuations": 0}
                for part in event_parts:
                    one = score(a.out / "scores" / side / f"{g}-{part}", a.out / "with" / f"{g}-{part}" / "truth.jsonl",
                                det, valley_of)
                    got["false_evacuations"] += one.pop("false_evacuations")
                    got.update({f"{part}|{k}": v for k, v in one.items()})
                nh = a.out / "scores" / side / f"{g}-no-hazard"
                nrows = [json.loads(x) for x in (nh / f"{det}.scores.jsonl").read_text().splitlines() if x.strip()]
                cells.append((got, sum(r["false_evacuations"] for r in nrows), sum(1 for r in nrows if r["false_warnings"])))
            print(f"{g:<12}{det:<11}false evacuations {cells[0][0]['false_evacuations'] + cells[0][1]} -> "
                  f"{cells[1][0]['false_evacuations'] + cells[1][1]}; no-hazard days warned {cells[0][2]} -> "
                  f"{cells[1][2]} of {a.n}")
            for key in sorted(k for k in cells[0][0] if k != "false_evacuations" and not k.endswith(":heard")):
                (k0, n0, m0, b0, nb), (k1, _n1, m1, b1, _nb1) = cells[0][0][key], cells[1][0][key]
                (h0, hm0), (h1, hm1) = cells[0][0][f"{key}:heard"], cells[1][0][f"{key}:heard"]
                print(f"{'':<23}{key.split('|')[1]:<24} in time {k0}/{n0} ({m0:.2f}) -> {k1} ({m1:.2f}) [{b0}/{nb} -> "
                      f"{b1}]; heard of before the zone {h0} ({hm0:.0f} min) -> {h1} ({hm1:.0f})")
    if a.watch:
        print(f"\nthe fusion's level_slide WATCH, with {station} (replayed again: about 25 s a generator)")
        for g in gens:
            print(f"{g:<12}" + slide_watches(new_site, a.out / "with" / f"{g}-floods", a.out / "with" / f"{g}-no-hazard",
                                             a.jobs))


if __name__ == "__main__":
    main()
