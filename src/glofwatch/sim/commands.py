"""The ``glofwatch simulate`` command (registered in :mod:`glofwatch.cli`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from glofwatch.errors import GlofwatchError

SEED_HELP = "First seed; scenario i uses seed+i. Training: seeds < 1000000; evaluation: >= 1000000."
N_HELP = "How many scenarios (any 10 consecutive seeds: 3 glof, 2 debris_flow, 2 rain, 2 fault, 1 quiet)."
KIND_HELP = ("Only these kinds (glof, debris_flow, rain, quiet, fault; maintenance: technician visits with their "
             "maintenance windows in the truth, only on request); repeatable.")
VARIANT_HELP = "Physics assumptions: 'default' (what training uses) or 'shifted' (every assumption moved; docs/scenarios.md)."


def simulate(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for <scenario_id>.csv files and truth.jsonl.")],
    site: Annotated[str | None, typer.Option("--site", "-s", help="Site directory or site.yaml; default: the demo site.")] = None,
    seed: Annotated[int, typer.Option(help=SEED_HELP)] = 0,
    n: Annotated[int, typer.Option("--n", "-n", min=1, help=N_HELP)] = 10,
    kind: Annotated[list[str] | None, typer.Option("--kind", help=KIND_HELP)] = None,
    variant: Annotated[str, typer.Option("--variant", help=VARIANT_HELP)] = "default",
) -> None:
    """Simulate scenarios (outbursts, debris flows, rain, quiet days, faults) as telemetry CSV plus a truth file."""
    from rich.console import Console

    from glofwatch.cli import _fail, _site
    from glofwatch.sim.scenarios import KINDS, VARIANTS, generate, write_all

    console = Console()
    bad = [k for k in kind or [] if k not in KINDS]
    if bad:
        _fail(GlofwatchError(f"unknown --kind {', '.join(bad)}; use one of {', '.join(KINDS)}"))
    if variant not in VARIANTS:
        _fail(GlofwatchError(f"unknown --variant {variant!r}; use one of {', '.join(VARIANTS)}"))
    s = _site(site)
    try:
        scenarios = generate(s, seed=seed, n=n, kinds=tuple(kind) if kind else None, variant=variant)
    except GlofwatchError as e:
        _fail(e)
    truth = write_all(scenarios, out)
    counts: dict[str, int] = {}
    for sc in scenarios:
        counts[sc.kind] = counts.get(sc.kind, 0) + 1
    rows = sum(len(sc.telemetry) for sc in scenarios)
    console.print(f"{len(scenarios)} scenarios of site {s.id} ({', '.join(f'{v} {k}' for k, v in sorted(counts.items()))}), "
                  f"{rows} telemetry rows ({variant} physics) -> {out}/ (truth: {truth.name})", highlight=False)
