"""What the console shows for lakes, as plain JSON-ready dicts (the console's router mounts this;
see ``glofwatch.console``): per lake its area history, growth, advisory and hazard numbers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from glofwatch.clock import iso
from glofwatch.lakes.growth import growth, watch_decision
from glofwatch.lakes.hazard import estimate
from glofwatch.lakes.history import area_series


def lakes_overview(engine: Engine, site: Any, *, now: datetime, threshold_pct_per_year: float = 5.0,
                   window_years: float = 10.0) -> list[dict[str, Any]]:
    """One entry per site lake: ``history`` [{time, area_m2, area_err_m2}], ``growth``, ``decision`` (a
    ``watch`` Decision dict or None) and ``hazard`` (volume, Qp and range from the latest area, else the site's)."""
    df = area_series(engine, site.id)
    out = []
    for lk in site.lakes:
        g = df[df.lake == lk.id]
        hist = [{"time": iso(int(t)), "area_m2": float(a), "area_err_m2": float(e)}
                for t, a, e in zip(g.t_ms, g.area_m2, g.area_err_m2, strict=True)]
        gr = growth(lk.id, g.t_ms.to_numpy(), g.area_m2.to_numpy(), g.area_err_m2.to_numpy(),
                    window_years=window_years) if len(g) else None
        fp = site.flow_path(lk.id)
        dec = watch_decision(site.id, gr, now=now, threshold_pct_per_year=threshold_pct_per_year,
                             zones=list(fp.zones) if fp else []) if gr else None
        area = float(g.area_m2.iloc[-1]) if len(g) else (lk.area_m2 or 0.0)
        hz = estimate(area, lk.dam, volume_m3=None if len(g) else lk.volume_m3).as_dict() if area else None
        out.append({"lake": lk.id, "name": lk.name, "dam": lk.dam, "location": list(lk.location), "history": hist,
                    "growth": gr.as_dict() if gr else None, "decision": dec.to_dict() if dec else None, "hazard": hz})
    return out
