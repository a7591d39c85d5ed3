"""The ``glofwatch evaluate`` command (registered in :mod:`glofwatch.cli`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

SEED_HELP = "First evaluation seed (>= 1000000: seeds below are for training)."
SCEN_HELP = "Score the scenarios of this folder (truth.jsonl + CSVs, e.g. from `glofwatch simulate`) instead of generating them."
ALERTS_HELP = "Score saved alerts ALERTS/<scenario_id>.jsonl (e.g. from `glofwatch replay`) instead of replaying."
DET_HELP = "Detectors to replay and compare (repeatable); default fusion and thresholds."


def evaluate(
    site: Annotated[str | None, typer.Option("--site", "-s", help="Site directory or site.yaml; default: the demo site.")] = None,
    seed_start: Annotated[int, typer.Option("--seed-start", help=SEED_HELP)] = 1_000_000,
    n: Annotated[int, typer.Option("--n", "-n", min=1, help="How many scenarios to generate.")] = 100,
    scenarios: Annotated[Path | None, typer.Option("--scenarios", help=SCEN_HELP)] = None,
    alerts: Annotated[Path | None, typer.Option("--alerts", help=ALERTS_HELP)] = None,
    detector: Annotated[list[str] | None, typer.Option("--detector", help=DET_HELP)] = None,
    variant: Annotated[str, typer.Option("--variant", help="Physics of generated scenarios: default or shifted "
                                         "(every assumption moved: a test of generalisation).")] = "default",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write summary.json and <detector>.scores.jsonl here.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the summary as one JSON object.")] = False,
    no_maintenance: Annotated[bool, typer.Option("--no-maintenance", help="Withhold the maintenance windows of "
                                                 "`maintenance` scenarios from replay (as if nobody told the system).")] = False,
) -> None:
    """Replay scenarios never used in training through detection and print recall, false evacuations, wrong-zone
    alerts and warning times, for the fusion and the fixed-threshold baseline side by side."""
    import orjson
    from rich.console import Console

    from glofwatch.cli import _fail, _site
    from glofwatch.errors import GlofwatchError
    from glofwatch.evaluation.run import DETECTORS, alerts_replay, evaluate, folder_cases, simulated_cases
    from glofwatch.sim.scenarios import EVALUATION_SEED_START, physics

    console, err = Console(), Console(stderr=True)
    if not console.is_terminal:  # files and pipes get 80 columns by default: too narrow for two detectors side by side
        console = Console(width=120)
    s = _site(site)
    try:
        physics(variant)
    except GlofwatchError as e:
        _fail(e)
    if scenarios is None and seed_start < EVALUATION_SEED_START:
        err.print(f"[yellow]warning[/yellow]: seeds below {EVALUATION_SEED_START} are training seeds; "
                  "figures on them overstate what detection does on unseen scenarios", highlight=False)
    cases = folder_cases(scenarios) if scenarios else simulated_cases(s, seed_start=seed_start, n=n, variant=variant)
    config: dict[str, Any] = {"site": s.id, "scenarios": str(scenarios) if scenarios else None,
                              "seed_start": None if scenarios else seed_start, "n": None if scenarios else n,
                              "variant": None if scenarios else variant,
                              "alerts": str(alerts) if alerts else None}
    try:
        ev = evaluate(s, cases, detectors=detector or DETECTORS, saved=alerts_replay(alerts) if alerts else None, config=config,
                      maintenance=not no_maintenance)
    except (GlofwatchError, ValueError) as e:  # ValueError: detection's answer to an unknown --detector name
        _fail(e)
    if out:
        out.mkdir(parents=True, exist_ok=True)
        (out / "summary.json").write_bytes(orjson.dumps(ev.to_dict(), option=orjson.OPT_INDENT_2))
        for name, scores in ev.scores.items():
            (out / f"{name}.scores.jsonl").write_bytes(b"".join(orjson.dumps(x.to_dict()) + b"\n" for x in scores))
    if json_out:
        sys.stdout.write(orjson.dumps(ev.to_dict()).decode() + "\n")
        return
    for name, why in ev.skipped.items():
        err.print(f"[yellow]skipped[/yellow] {name}: {why}", highlight=False)
    console.print(report_table(ev))
    for name, summ in ev.summaries.items():
        for hz, r in summ["recall"].items():
            for m in r["missed"][:10]:
                console.print(f"  {name}: missed {hz} {m['id']} ({m['reason']})", highlight=False)
            for u in r.get("undetectable", [])[:10]:
                console.print(f"  {name}: undetectable {hz} {u['id']} ({u['reason']}"
                              f"{', detected anyway' if u['detected'] else ''})", highlight=False)
        for sid in summ["false_evacuations"]["scenarios"][:10]:
            console.print(f"  {name}: false evacuation in {sid}", highlight=False)
        for sid in summ["wrong_zone"]["scenarios"][:10]:
            console.print(f"  {name}: wrong-zone evacuation in {sid}", highlight=False)


def _d(x: dict[str, Any], key: str = "median", fmt: str = "{:.1f}") -> str:
    return "-" if not x or x.get("n", 0) == 0 else fmt.format(x[key])


def report_table(ev: Any) -> Any:
    """A rich table with one column per detector."""
    from rich.table import Table

    names = list(ev.summaries)
    t = Table(title=f"Detection on {ev.rows} telemetry rows of {next(iter(ev.summaries.values()))['scenarios']} scenarios")
    t.add_column("figure")
    for n in names:
        t.add_column(n, justify="right")

    def row(label: str, fn: Any) -> None:
        t.add_row(label, *[fn(ev.summaries[n]) for n in names])

    first = ev.summaries[names[0]]
    row("scenarios by kind", lambda s: ", ".join(f"{k} {v}" for k, v in sorted(s["by_kind"].items())))
    for hz in first["recall"]:
        row(f"recall {hz}: evacuate before arrival", lambda s, h=hz: f"{s['recall'][h]['evacuate']:.1%} of {s['recall'][h]['n']}")
        row(f"recall {hz}: evacuate, peak >= 20 m3/s", lambda s, h=hz: "-" if s["recall"][h]["evacuate_damaging"] is None
            else f"{s['recall'][h]['evacuate_damaging']:.1%} of {s['recall'][h]['n_damaging']}")
        row(f"recall {hz}: evacuate, detectable events", lambda s, h=hz: "-" if s["recall"][h].get("evacuate_detectable") is None
            else f"{s['recall'][h]['evacuate_detectable']:.1%} of {s['recall'][h]['n_detectable']}")
        row(f"recall {hz}: warning+ before arrival", lambda s, h=hz: f"{s['recall'][h]['warning']:.1%}")
        row(f"recall {hz}: first zone evacuated in time, any hazard named",
            lambda s, h=hz: f"{s['recall'][h]['zone_evacuated']:.1%}")
        row(f"  {hz}: warning+ in time or after the front (late, median min)",
            lambda s, h=hz: f"{s['recall'][h].get('warning_any', 0):.1%} ({_d(s['recall'][h].get('late_min', {}))})")
        row(f"  {hz}: any alert (advisory, watch too) before arrival (median min before)",
            lambda s, h=hz: f"{s['recall'][h].get('alerted', 0):.1%} ({_d(s['recall'][h].get('alerted_min', {}))})")
    for b in first["recall_by_peak"]:
        row(f"  recall, peak at 1st zone {b} m3/s", lambda s, b=b: "-" if b not in s["recall_by_peak"]
            else f"{s['recall_by_peak'][b]['evacuate']:.0%} of {s['recall_by_peak'][b]['n']}")
    row("false evacuations", lambda s: str(s["false_evacuations"]["count"]))
    row("  by scenario kind", lambda s: ", ".join(f"{k} {v}" for k, v in s["false_evacuations"]["by_kind"].items() if v) or "-")
    row("  per station-year", lambda s: "-" if s["false_evacuations"]["per_station_year"] is None
        else f"{s['false_evacuations']['per_station_year']:.2f} ({s['false_evacuations']['station_years']:.2f} st-yr)")
    row("  events missed: evacuated before onset, still in force at arrival",
        lambda s: str(s["false_evacuations"].get("before_onset_in_force", 0)))
    row("warnings on no-hazard days", lambda s: "-" if "false_warnings" not in s else (lambda f: f"{f['count']} in "
        f"{len(f['with_warning'])} of {f['scenarios']} days")(s["false_warnings"]))
    row("wrong-zone evacuations", lambda s: str(s["wrong_zone"]["count"]))
    row("  of them, of a valley the wave does not reach", lambda s: str(s["wrong_zone"].get("wrong_valley", 0)))
    row("warning time, min (median)", lambda s: _d(s["warning_time_min"]))
    row("warning time, min (p10-p90)", lambda s: "-" if not s["warning_time_min"].get("n") else
        f"{s['warning_time_min']['p10']:.1f}-{s['warning_time_min']['p90']:.1f}")
    row("available time, min (median)", lambda s: _d(s["available_min"]))
    row("warning fraction (median)", lambda s: _d(s["warning_fraction"], fmt="{:.3f}"))
    row("warning fraction (p10-p90)", lambda s: "-" if not s["warning_fraction"].get("n") else
        f"{s['warning_fraction']['p10']:.3f}-{s['warning_fraction']['p90']:.3f}")
    for hz in first["recall"]:
        row(f"  warning fraction {hz} (median)",
            lambda s, h=hz: _d(s.get("warning_fraction_by_hazard", {}).get(h, {}), fmt="{:.3f}"))
    row("warning fraction, events every detector found (median)",
        lambda s: "-" if "paired" not in s else f"{_d(s['paired']['warning_fraction'], fmt='{:.3f}')} of {s['paired']['n']}")
    row("time from 1st signal above noise (median)", lambda s: _d(s.get("signal_min", {})))
    row("warning / time since 1st signal (median)", lambda s: _d(s.get("warning_fraction_of_signal", {}), fmt="{:.3f}"))
    row("fraction, misses as 0 (median)", lambda s: _d(s["warning_fraction_misses_as_zero"], fmt="{:.3f}"))
    row("fraction histogram", lambda s: " ".join(f"{k}:{v}" for k, v in s["warning_fraction_histogram"].items()))
    row("warning-level fraction (median)", lambda s: _d(s["warning_level"]["warning_fraction"], fmt="{:.3f}"))
    row("right source lake (glof)", lambda s: "-" if s["lake_correct"] is None else f"{s['lake_correct']:.1%}")
    row("goal met", lambda s: ", ".join(k for k, v in s["goal"].items() if v) or "none")
    t.add_row("replay time, s", *[f"{ev.replay_s[n]:.2f}" for n in names])
    return t
