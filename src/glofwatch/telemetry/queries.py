"""Queries the rest of the system needs: latest value and health per station, resampled windows."""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd

from glofwatch.site.model import Site
from glofwatch.store.observations import Store
from glofwatch.telemetry.health import StationHealth, station_health
from glofwatch.telemetry.qc import BAD, SUSPECT

Agg = Literal["mean", "min", "max", "sum", "last", "count"]


def stations_overview(store: Store, site: Site, now_ms: int) -> list[dict[str, Any]]:
    """One entry per station: health (maintenance included) plus the latest value of each sensor."""
    from glofwatch.telemetry.maintenance import windows

    latest = store.latest(site)
    wins = windows(store.engine, site.id, ending_after_ms=now_ms - 7 * 86_400_000)
    health = {h.station: h for h in station_health(site, store.station_rows(site.id), latest, now_ms, wins)}
    by_station: dict[str, list[dict[str, Any]]] = {}
    for r in latest:
        by_station.setdefault(r["station"], []).append(r)
    out = []
    for st in site.stations:
        h: StationHealth = health[st.id]
        out.append({**h.as_dict(), "name": st.name, "lake": st.lake, "sensors": by_station.get(st.id, [])})
    return out


def series(store: Store, site: Site, station: str, sensor: str, start_ms: int, end_ms: int, *,
           every: str | None = "10min", agg: Agg = "mean", quality: Literal["good", "usable", "all"] = "usable"
           ) -> pd.DataFrame:
    """Readings of one sensor over [start, end), resampled to ``every`` (None: as stored).

    ``quality``: ``good`` keeps unflagged readings, ``usable`` drops bad ones (range, time),
    ``all`` keeps everything. Empty bins come back as NaN (a gap is shown, not interpolated).
    """
    df = store.window(site, station, sensor, start_ms, end_ms)
    if quality == "good":
        df = df[df["flags"] == 0]
    elif quality == "usable":
        df = df[(df["flags"] & int(BAD)) == 0]
    if every is None:
        return df
    r = df["value"].resample(every, origin="epoch", label="left", closed="left")
    out = getattr(r, agg)().to_frame("value")
    out["n"] = r.count()
    out["flagged"] = (df["flags"] & int(SUSPECT | BAD) != 0).resample(every, origin="epoch").sum()
    # bins over the whole window, so a silent sensor shows as empty bins rather than a shorter series
    start = pd.Timestamp(start_ms, unit="ms", tz="UTC").floor(every)
    full = pd.date_range(start, pd.Timestamp(end_ms, unit="ms", tz="UTC"), freq=every, inclusive="left", name="time")
    out = out.reindex(full)
    out[["n", "flagged"]] = out[["n", "flagged"]].fillna(0).astype(int)
    return out
