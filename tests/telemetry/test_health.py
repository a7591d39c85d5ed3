"""Station health: late and silent stations, station_silent / station_back events, battery."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from glofwatch.clock import FixedClock, ms
from glofwatch.telemetry.health import check_silence
from glofwatch.telemetry.pipeline import Ingestor
from glofwatch.telemetry.queries import series, stations_overview


def _csv(tmp_path, name, rows):
    p = tmp_path / name
    p.write_text("time,station,sensor,value\n" + "\n".join(rows) + "\n")
    return p


def test_silence_events_and_back(store, site, tmp_path):
    t0 = datetime(2025, 7, 27, 7, 0, tzinfo=UTC)
    clock = FixedClock(t0 + timedelta(minutes=10))
    ing = Ingestor(site, store, clock=clock)
    rows = [f"{(t0 + timedelta(minutes=5 * i)).isoformat()},lake-cha-1,water_level,0.1" for i in range(3)]
    rows.append(f"{t0.isoformat()},lake-cha-1,battery,11.5")
    ing.ingest_file(_csv(tmp_path, "a.csv", rows))
    now = t0 + timedelta(minutes=12)
    over = {r["station"]: r for r in stations_overview(store, site, ms(now))}
    assert over["lake-cha-1"]["state"] == "ok"
    assert over["lake-cha-1"]["battery_low"] is True
    assert over["geo-cha"]["state"] == "never"
    assert check_silence(store, site, ms(now)) == []
    # three 5-minute intervals missed: silent; the event is dated when silence became certain
    later = t0 + timedelta(minutes=10 + 16)
    ev = check_silence(store, site, ms(later))
    assert [e["kind"] for e in ev] == ["station_silent"] and ev[0]["station"] == "lake-cha-1"
    assert ev[0]["t_ms"] == ms(t0 + timedelta(minutes=10 + 15))
    assert check_silence(store, site, ms(later + timedelta(minutes=5))) == []  # once, not every check
    clock.set(later + timedelta(minutes=6))
    ing.ingest_file(_csv(tmp_path, "b.csv", [f"{(later + timedelta(minutes=6)).isoformat()},lake-cha-1,water_level,0.1"]))
    ev = check_silence(store, site, ms(later + timedelta(minutes=7)))
    assert [e["kind"] for e in ev] == ["station_back"]
    kinds = [e["kind"] for e in store.events(site.id)]
    assert kinds == ["station_silent", "station_back"]


def test_missing_values_still_prove_a_station_alive(sqlite_store, site, tmp_path):
    t0 = datetime(2025, 7, 27, 7, 0, tzinfo=UTC)
    ing = Ingestor(site, sqlite_store, clock=FixedClock(t0))
    ing.ingest_file(_csv(tmp_path, "n.csv", [f"{t0.isoformat()},geo-cha,ground_velocity,NAN"]))
    over = {r["station"]: r for r in stations_overview(sqlite_store, site, ms(t0 + timedelta(seconds=30)))}
    assert over["geo-cha"]["state"] == "ok" and over["geo-cha"]["last_obs_ms"] == ms(t0)


def test_series_resampled_and_bad_values_dropped(store, site, tmp_path):
    t0 = datetime(2025, 7, 27, 7, 0, tzinfo=UTC)
    ing = Ingestor(site, store, clock=FixedClock(t0 + timedelta(hours=2)))
    rows = [f"{(t0 + timedelta(minutes=5 * i)).isoformat()},gauge-cha,stage,{0.5 + 0.01 * i}" for i in range(12)]
    rows.append(f"{(t0 + timedelta(minutes=60)).isoformat()},gauge-cha,stage,99")  # out of valid range
    ing.ingest_file(_csv(tmp_path, "s.csv", rows))
    df = series(store, site, "gauge-cha", "stage", ms(t0), ms(t0 + timedelta(hours=2)), every="30min")
    assert list(df["n"]) == [6, 6, 0, 0]
    assert df["value"].iloc[0] == pytest_approx(0.525)
    raw = series(store, site, "gauge-cha", "stage", ms(t0), ms(t0 + timedelta(hours=2)), every=None, quality="all")
    assert len(raw) == 13


def pytest_approx(x):
    import pytest

    return pytest.approx(x)
