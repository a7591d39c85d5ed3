"""Station health: last seen, battery, and silence.

A station is *late* when it has missed one reporting interval and *silent* when it has missed
``silent_after`` (site file, default 3). A silent station is itself a signal: floods destroy
sensors. :func:`check_silence` turns transitions into ``station_silent`` / ``station_back`` events
that detectors read. Everything is measured in event time against an injected ``now``, so replay
and live behave the same. A station in maintenance (:mod:`glofwatch.telemetry.maintenance`, a window for
the whole station) is not missing while the window lasts: its silence counts from the window's end.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from glofwatch.site.model import Site, Station
from glofwatch.telemetry.maintenance import Window

State = Literal["ok", "late", "silent", "never"]
BATTERY_LOW_V = 11.8  # a 12 V lead-acid battery below this is close to cutting the logger off


@dataclass(frozen=True)
class StationHealth:
    station: str
    kind: str
    state: State
    last_obs_ms: int | None
    last_received_ms: int | None
    missed_intervals: float | None
    interval_s: int
    battery_v: float | None
    battery_low: bool
    maintenance_until_ms: int | None = None  # the end of the whole-station maintenance window in force, if any

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def state_of(station: Station, last_obs_ms: int | None, now_ms: int) -> tuple[State, float | None]:
    if last_obs_ms is None:
        return "never", None
    missed = max(0.0, (now_ms - last_obs_ms) / 1000.0 / station.report_interval_s)
    if missed >= station.silent_after:
        return "silent", missed
    if missed > 1.5:
        return "late", missed
    return "ok", missed


def _excused(station: str, last_obs_ms: int | None, now_ms: int, windows: list[Window]) -> tuple[int | None, int | None]:
    """(the time from which the station's silence counts, the end of the window in force): its newest observation, or
    the latest moment a whole-station maintenance window covered up to ``now`` if later."""
    last, until = last_obs_ms, None
    for w in windows:
        if w.station == station and w.sensor is None and w.start_ms <= now_ms:
            if last is not None:
                last = max(last, min(now_ms, w.end_ms))
            if w.active(now_ms):
                until = max(until or w.end_ms, w.end_ms)
    return last, until


def station_health(site: Site, status: dict[str, dict[str, Any]], latest: list[dict[str, Any]],
                   now_ms: int, windows: list[Window] | None = None) -> list[StationHealth]:
    """Health of every station from stored status rows and latest readings (pure); ``windows``: maintenance."""
    battery = {r["station"]: r["value"] for r in latest if r["sensor"] == "battery" and r["value"] is not None}
    out = []
    for st in site.stations:
        row = status.get(st.id, {})
        last = row.get("last_obs_ms")
        counted, until = _excused(st.id, last, now_ms, windows or [])
        state, missed = state_of(st, counted, now_ms)
        b = battery.get(st.id)
        out.append(StationHealth(
            station=st.id, kind=st.kind, state=state, last_obs_ms=last,
            last_received_ms=row.get("last_received_ms"), missed_intervals=None if missed is None else round(missed, 1),
            interval_s=st.report_interval_s, battery_v=b, battery_low=b is not None and b < BATTERY_LOW_V,
            maintenance_until_ms=until,
        ))
    return out


def check_silence(store: Any, site: Site, now_ms: int) -> list[dict[str, Any]]:
    """Record ``station_silent`` / ``station_back`` events for stations whose state changed.

    Returns the events written. Stations that never reported do not raise silence (nothing was lost), nor do
    stations in maintenance (their silence counts from the window's end).
    """
    from glofwatch.telemetry.maintenance import windows as stored_windows

    status = store.station_rows(site.id)
    wins = stored_windows(store.engine, site.id, ending_after_ms=now_ms - 7 * 86_400_000)
    events = []
    for st in site.stations:
        row = status.get(st.id)
        if not row:
            continue
        counted, until = _excused(st.id, row.get("last_obs_ms"), now_ms, wins)
        if until is not None:
            continue  # in maintenance: neither silent nor back (a dead station being repaired has not come back)
        state, missed = state_of(st, counted, now_ms)
        was_silent = bool(row.get("silent"))
        if state == "silent" and not was_silent:
            since = int(counted) + st.silent_after * st.report_interval_s * 1000  # type: ignore[arg-type]
            detail = {"last_obs_ms": row["last_obs_ms"], "missed_intervals": round(missed or 0, 1),
                      "interval_s": st.report_interval_s, "station_kind": st.kind, "lake": st.lake}
            store.set_silence(site.id, st.id, True, since)
            store.add_event(site.id, st.id, "station_silent", since, detail)
            events.append({"kind": "station_silent", "station": st.id, "t_ms": since, **detail})
        elif state != "silent" and was_silent:
            store.set_silence(site.id, st.id, False, None)
            store.add_event(site.id, st.id, "station_back", int(row["last_obs_ms"]),
                            {"silent_since_ms": row.get("silent_since_ms")})
            events.append({"kind": "station_back", "station": st.id, "t_ms": int(row["last_obs_ms"])})
    return events
