"""``glofwatch replay`` and ``glofwatch train`` (thin: options in, library call, summary out)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console(stderr=True)


def replay(
    telemetry: Annotated[Path, typer.Option("--telemetry", "-t", help="Long-form telemetry CSV (time,station,sensor,value).")],
    alerts: Annotated[Path, typer.Option("--alerts", "-a", help="Output: one JSON alert a line.")],
    site: Annotated[str | None, typer.Option("--site", "-s", help="Site directory or site.yaml; default: the demo site.")] = None,
    detector: Annotated[str, typer.Option(help="fusion (the learned model) or thresholds (the baseline).")] = "fusion",
    model: Annotated[Path | None, typer.Option(help="A fusion model JSON other than the shipped one.")] = None,
    maintenance: Annotated[Path | None, typer.Option(
        "--maintenance", help="CSV of maintenance windows (station,sensor,start,end[,reason]): readings in them are not "
        "used and a station's history restarts after each (`glofwatch maintenance list` shows the stored ones).")] = None,
) -> None:
    """Replay recorded telemetry in event time through the live detection code; write the alerts."""
    import time

    from glofwatch.detection.fusion import FusionModel
    from glofwatch.detection.replay import read_telemetry_csv, replay_frame, write_alerts
    from glofwatch.errors import GlofwatchError
    from glofwatch.site import load_site

    try:
        s = load_site(site)
        if not telemetry.exists():
            raise GlofwatchError(f"telemetry file {telemetry} not found; give a long-form CSV (time,station,sensor,value)")
        t0 = time.perf_counter()
        df = read_telemetry_csv(telemetry)
        m = FusionModel.load(model) if (model and detector == "fusion") else None
        windows = None
        if maintenance is not None:
            from glofwatch.telemetry.maintenance import read_csv

            if not maintenance.exists():
                raise GlofwatchError(f"maintenance file {maintenance} not found; give a CSV station,sensor,start,end[,reason]")
            windows = read_csv(maintenance, s)
        decisions = replay_frame(s, df, detector=detector, model=m, maintenance=windows)
        write_alerts(decisions, alerts)
    except (GlofwatchError, ValueError) as e:
        console.print(f"[red]error:[/red] {e}", highlight=False)
        raise typer.Exit(2) from e
    dt = time.perf_counter() - t0
    console.print(f"{len(df)} rows replayed in {dt:.2f} s ({len(df) / max(dt, 1e-9):,.0f} rows/s); "
                  f"{len(decisions)} alerts -> {alerts}")
    for d in decisions:
        console.print(f"  {d.time} {d.level:9s} {d.hazard:11s} {d.lake or '-':6s} {','.join(d.zones)}", highlight=False)


def train(
    n: Annotated[int, typer.Option("--n", help="Number of simulated training scenarios.")] = 400,
    seed: Annotated[int, typer.Option("--seed", help="First seed (training seeds stay below 1,000,000).")] = 0,
    out: Annotated[Path | None, typer.Option("--out", help="Model file; default: the shipped models/fusion.json.")] = None,
    site: Annotated[str | None, typer.Option("--site", "-s", help="Site directory or site.yaml; default: the demo site.")] = None,
    shifted: Annotated[float, typer.Option("--shifted", help="Share of the scenarios drawn with the 'shifted' physics "
                                           "(every assumption moved; docs/scenarios.md), 0-1.")] = 0.0,
    scenarios: Annotated[list[Path] | None, typer.Option(
        "--scenarios", help="Also train on the scenarios of this folder (truth.jsonl + CSVs, from `glofwatch simulate` "
        "or another generator's development seeds); repeatable. The model's meta records each folder.")] = None,
) -> None:
    """Rebuild the fusion model from simulator scenarios (seeded, reproducible) and scenario folders."""
    from glofwatch.detection.train import train as run
    from glofwatch.errors import GlofwatchError
    from glofwatch.site import load_site

    try:
        run(load_site(site), n=n, seed=seed, out=out, log=console.print, shifted=shifted, folders=scenarios or ())
    except (GlofwatchError, ValueError) as e:
        console.print(f"[red]error:[/red] {e}", highlight=False)
        raise typer.Exit(2) from e
