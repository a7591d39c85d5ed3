"""Maintenance windows in detection: a technician's visit to a station is neither a lake that fell nor a dead station,
and a station back from maintenance still sees the next outburst. Synthetic telemetry of the reference site (a quiet
day of our simulator with lake-cha-1's readings changed) through the replay engine; the live engine in the second half.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from glofwatch.clock import ms
from glofwatch.detection.engine import Engine, ceil_ticks
from glofwatch.detection.replay import prepare, replay_frame
from glofwatch.errors import ConfigError
from glofwatch.sim.day import quiet_day
from glofwatch.telemetry.maintenance import Window, read_csv
from glofwatch.telemetry.qc import check_series, time_limits

START = datetime(2026, 7, 1, tzinfo=UTC)
T0 = ms(START)
H = 3_600_000


@pytest.fixture(scope="module")
def site():  # type: ignore[no-untyped-def]
    from glofwatch.cli import _site

    return _site(None)


def remount_day(site, offset: float = -0.45, gap: tuple[float, float] = (3.0, 3.5), garbage: bool = True,  # type: ignore[no-untyped-def]
                fall_from: float | None = None) -> pd.DataFrame:
    """6 h of a quiet day; lake-cha-1's transducer taken out at 03:00 and re-mounted at 03:30 ``offset`` m off its old
    datum; inside the gap it reads the air (``garbage``: -2.8 m, a transducer out of the water) or nothing. With
    ``fall_from`` (hours) the lake then drains at 1.5 m/h (an outburst after the visit)."""
    df = quiet_day(site, START, hours=6.0, seed=8)
    lake = ((df["station"] == "lake-cha-1") & (df["sensor"] == "water_level")).to_numpy()
    h = (pd.to_datetime(df["time"], utc=True) - pd.Timestamp(START)).dt.total_seconds().to_numpy() / 3600
    v = df.loc[lake, "value"].to_numpy(float)
    hl = h[lake]
    v = v + np.where(hl >= gap[1], offset, 0.0)
    if fall_from is not None:
        v = v - np.clip(hl - fall_from, 0, None) * 1.5
    inside = (hl >= gap[0]) & (hl < gap[1])
    v = np.where(inside, -2.8, v)
    df.loc[lake, "value"] = v
    if not garbage:
        drop = np.zeros(len(df), dtype=bool)
        drop[np.flatnonzero(lake)[inside]] = True
        df = df[~drop]
    return df


def window(start_h: float = 2.95, end_h: float = 3.55, sensor: str | None = None) -> Window:
    return Window("lake-cha-1", sensor, T0 + int(start_h * H), T0 + int(end_h * H), "transducer re-mounted", "test")


def cha1(decisions: list, level: str) -> list:
    return [d for d in decisions if d.level == level and d.lake == "cha-1"]


def test_a_remount_without_a_window_evacuates(site) -> None:  # type: ignore[no-untyped-def]
    """What the windows are for: the re-mounted transducer reads 0.45 m lower, which the engine cannot tell from a
    breach's first drop that the lake keeps (it evacuates Cholpon-Ata)."""
    assert cha1(replay_frame(site, remount_day(site)), "evacuate")


@pytest.mark.parametrize(("garbage", "gap"), [(True, (3.0, 3.5)), (False, (3.0, 3.5)), (False, (3.0, 3.05))])
def test_a_remount_inside_a_window_raises_nothing(site, garbage: bool, gap: tuple[float, float]) -> None:  # type: ignore[no-untyped-def]
    """The same visit told to the system: no warning or evacuation of the lake, whether the transducer read the air
    in the window or nothing at all (no silent-station alarm either), and after a quick swap (one reading lost: the
    readings either side are 10 min apart, near enough for a step) too: history restarts at the window's end."""
    out = replay_frame(site, remount_day(site, garbage=garbage, gap=gap), maintenance=[window(2.95, gap[1] + 0.02)])
    assert not [d for d in out if d.lake == "cha-1" and d.level in ("warning", "evacuate")], [d.explanation for d in out]


def test_a_window_for_another_sensor_or_station_does_not_hide_the_remount(site) -> None:  # type: ignore[no-untyped-def]
    """A window covers only what it names: the station's battery sensor, or the other lake's station, in maintenance
    leaves lake-cha-1's water level believed."""
    other = [window(sensor="battery"), Window("lake-cak-1", None, T0 + int(2.95 * H), T0 + int(3.55 * H))]
    assert cha1(replay_frame(site, remount_day(site), maintenance=other), "evacuate")


def test_an_outburst_after_the_visit_is_still_evacuated(site) -> None:  # type: ignore[no-untyped-def]
    """History restarts at the window's end: the re-mounted sensor's first hour is enough to see the lake drain at
    1.5 m/h from 04:30, and it evacuates within 20 minutes of the fall's start."""
    out = replay_frame(site, remount_day(site, fall_from=4.5), maintenance=[window()])
    ev = cha1(out, "evacuate")
    assert ev and "2026-07-01T04:30:00Z" < ev[0].time <= "2026-07-01T04:50:00Z", [(d.time, d.level) for d in out]


def test_a_station_that_stays_silent_after_its_window_counts_as_missing_from_the_end(site) -> None:  # type: ignore[no-untyped-def]
    """A station that never comes back from the window is missing from the window's end, not from its last reading
    before it: no silence inside the window, and the lake's readings from before it are not used after it."""
    df = remount_day(site, garbage=False)
    lake = (df["station"] == "lake-cha-1").to_numpy()
    h = (pd.to_datetime(df["time"], utc=True) - pd.Timestamp(START)).dt.total_seconds().to_numpy() / 3600
    df = df[~(lake & (h >= 3.0))]
    eng = Engine(site)
    eng.set_maintenance([window()])
    key, t, v = prepare(site, df, eng.index)
    for k in np.unique(key):
        m = key == k
        spec = eng.index.specs[int(k)]
        eng.load(int(k), t[m], v[m], check_series(t[m], v[m], spec, time_limits(int(t.max()), live=False)))
    st = [s for s in eng.states.values() if s.station.id == "lake-cha-1"]
    ticks = np.array([T0 + int(3.2 * H), T0 + int(3.55 * H) + 600_000], dtype=np.int64)
    last = np.max([s.last_seen(ticks) for s in st], axis=0)
    assert last[0] == ticks[0]  # inside the window: not missing
    assert last[1] == T0 + int(3.55 * H)  # after it: missing since the window's end
    wl = next(s for s in st if s.sensor.id == "water_level")
    idx, _ = wl.as_of(ticks)
    assert idx[1] == -1  # the readings before the window are another mounting's


def test_live_and_replay_agree_with_a_window_opened_during_the_visit(site) -> None:  # type: ignore[no-untyped-def]
    """Live: the window is opened with the batch of 03:00-03:11, after the engine had taken in and evaluated the first
    reading of the air (03:00): it is dropped from the buffer then, and the engine decides as replay with the window."""
    df = remount_day(site)
    want = [(d.time, d.level, d.hazard, d.lake) for d in replay_frame(site, df, maintenance=[window()])]
    eng = Engine(site)
    key, t, v = prepare(site, df, eng.index)
    order = np.argsort(t, kind="stable")
    got = []
    opened = False
    for a in range(0, len(order), 40):  # batches of 40 readings, in event time
        i = order[a:a + 40]
        if not opened and t[i].max() >= T0 + int(3.17 * H):
            eng.set_maintenance([window()])
            opened = True
        for k in np.unique(key[i]):
            m = i[key[i] == k]
            eng.add(int(k), t[m], v[m], np.zeros(len(m), dtype=np.int32))
        got += [(d.time, d.level, d.hazard, d.lake) for d in eng.evaluate(np.unique(ceil_ticks(t[i])))]
    assert not [g for g in got if g[3] == "cha-1" and g[1] in ("warning", "evacuate")], got
    assert [g for g in got if g[3] == "cha-1"] == [w for w in want if w[3] == "cha-1"]


def test_a_maintenance_file_is_read_and_its_bad_rows_named(site, tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "m.csv"
    p.write_text("station,sensor,start,end,reason\nlake-cha-1,,2026-07-01T02:57:00Z,2026-07-01T03:33:00Z,remount\n"
                 "gauge-cha,stage,2026-07-01T01:00,2026-07-01T02:00,radar cleaned\n")
    w = read_csv(p, site)
    assert [(x.station, x.sensor, x.end_ms - x.start_ms) for x in w] == [("lake-cha-1", None, 36 * 60_000),
                                                                          ("gauge-cha", "stage", H)]
    p.write_text("station,sensor,start,end\nlake-cha-9,,2026-07-01T02:57:00Z,2026-07-01T03:33:00Z\n"
                 "gauge-cha,stage,2026-07-01T01:00Z,2026-07-05T02:00Z\n")
    with pytest.raises(ConfigError) as e:
        read_csv(p, site)
    assert "line 2: no station 'lake-cha-9'" in str(e.value) and "line 3: " in str(e.value) and "at most 72 h" in str(e.value)


def test_live_listener_reads_the_stored_windows(site, store) -> None:  # type: ignore[no-untyped-def]
    """The live chain (Ingestor + DetectionListener, SQLite and PostgreSQL): a window opened in the store at 02:58, as
    the technician calls in (console or `glofwatch maintenance start`), reaches the engine with the next batch; without
    it the re-mount evacuates (the second run, on a fresh listener: the same telemetry, no window). A window opened
    only after the first wrong reading cannot take back the warning already issued on it: the officer cancels that."""
    from glofwatch.clock import FixedClock
    from glofwatch.detection.live import DetectionListener
    from glofwatch.telemetry.batch import Incoming, IngestReport
    from glofwatch.telemetry.maintenance import open_window
    from glofwatch.telemetry.pipeline import Ingestor

    df = remount_day(site).sort_values("time", kind="stable")
    df = df[(df["time"] >= "2026-07-01T01:30:00Z") & (df["time"] <= "2026-07-01T04:00:00Z")]

    def run(with_window: bool, st) -> list:  # type: ignore[no-untyped-def]
        clock = FixedClock(START)
        listener = DetectionListener(site, st, clock=clock)
        ing = Ingestor(site, st, clock=clock, listeners=[listener])
        opened = False
        for t, chunk in df.groupby("time", sort=True):
            now = datetime.fromisoformat(t.replace("Z", "+00:00"))
            clock.set(now)
            if with_window and not opened and now >= datetime(2026, 7, 1, 2, 58, tzinfo=UTC):
                w = window()
                open_window(st.engine, site, station=w.station, sensor=None, start_ms=w.start_ms, end_ms=w.end_ms,
                            reason=w.reason, by="duty officer", now_ms=ms(now))
                opened = True
            v = chunk["value"].to_numpy(np.float64)
            tm = np.full(len(v), ms(now), dtype=np.int64)
            inc = Incoming(chunk["station"].to_numpy(object), chunk["sensor"].to_numpy(object), tm, v, np.isnan(v),
                           np.zeros(len(v), bool), where=lambda i: f"row {i}")
            ing.ingest([inc], IngestReport(), live=True)
        return [d for d in listener.decisions if d.lake == "cha-1" and d.level in ("warning", "evacuate")]

    assert run(True, store) == []
    from glofwatch.store import open_store

    assert any(d.level == "evacuate" for d in run(False, open_store("sqlite://")))


def test_a_station_in_maintenance_is_not_reported_silent(site, sqlite_store) -> None:  # type: ignore[no-untyped-def]
    """Station health: silence inside a whole-station window is no `station_silent` event; the station shows the
    window's end; after the window, silence counts from its end."""
    from glofwatch.telemetry.batch import Incoming, IngestReport
    from glofwatch.telemetry.health import check_silence
    from glofwatch.telemetry.maintenance import open_window
    from glofwatch.telemetry.pipeline import Ingestor
    from glofwatch.telemetry.queries import stations_overview

    clock_t = T0 + 3 * H
    from glofwatch.clock import FixedClock

    ing = Ingestor(site, sqlite_store, clock=FixedClock(START))
    tm = np.array([clock_t - 600_000, clock_t - 300_000, clock_t], dtype=np.int64)
    v = np.array([0.1, 0.1, 0.1])
    ing.ingest([Incoming(np.array(["lake-cha-1"] * 3, object), np.array(["water_level"] * 3, object), tm, v,
                         np.zeros(3, bool), np.zeros(3, bool), where=lambda i: f"row {i}")], IngestReport(), live=False)
    open_window(sqlite_store.engine, site, station="lake-cha-1", sensor=None, start_ms=clock_t + 60_000,
                end_ms=clock_t + H, reason="battery swap", by="tech", now_ms=clock_t)
    assert check_silence(sqlite_store, site, clock_t + 50 * 60_000) == []  # 50 min without a report, in the window
    over = {r["station"]: r for r in stations_overview(sqlite_store, site, clock_t + 50 * 60_000)}
    assert over["lake-cha-1"]["state"] == "ok" and over["lake-cha-1"]["maintenance_until_ms"] == clock_t + H
    ev = check_silence(sqlite_store, site, clock_t + H + 16 * 60_000)  # three reports missed after the window's end
    assert [e["kind"] for e in ev] == ["station_silent"] and ev[0]["t_ms"] == clock_t + H + 15 * 60_000
    # a technician sent to the dead station: a window opened for it is no "station_back" (it has not come back), and
    # the station is still silent once the window ends with no report
    t2 = clock_t + 3 * H
    open_window(sqlite_store.engine, site, station="lake-cha-1", sensor=None, start_ms=t2, end_ms=t2 + H,
                reason="repair", by="tech", now_ms=t2)
    assert check_silence(sqlite_store, site, t2 + 30 * 60_000) == []
    assert check_silence(sqlite_store, site, t2 + H + 20 * 60_000) == []
    assert [e["kind"] for e in sqlite_store.events(site.id)] == ["station_silent"]


def test_an_outburst_while_the_lake_station_is_in_maintenance_is_evacuated_from_the_river(site) -> None:  # type: ignore[no-untyped-def]
    """A lake whose only station is being worked on is watched by nobody for that while (``lake_has`` 0, the rules
    for unwatched lakes apply): our simulator's cha-1 outburst, lake-cha-1 in maintenance from an hour before it,
    is evacuated from the geophone and gauge below before the wave reaches Upper Cholpon-Ata."""
    from glofwatch.detection.engine import _by_station
    from glofwatch.detection.features import source_features
    from glofwatch.detection.replay import load_engine
    from glofwatch.sim.scenarios import outburst

    sc = outburst(site, "cha-1", seed=7, start=datetime(2026, 7, 1, 6, tzinfo=UTC), destroy_station=False)
    on = pd.Timestamp(sc.truth["onset"])
    w = [Window("lake-cha-1", None, int((on - pd.Timedelta("1h")).value // 1_000_000),
                int((on + pd.Timedelta("5h")).value // 1_000_000))]
    ev = cha1(replay_frame(site, sc.telemetry, maintenance=w), "evacuate")
    assert ev and ev[0].time < sc.truth["first_arrival"]
    # nothing read from the station in maintenance, and the alert says so
    told = [r for r in ev[0].explanation if "lake-cha-1" in r]
    assert told == ["lake-cha-1 in maintenance until 12:00: its readings are not used"], ev[0].explanation
    eng, ticks = load_engine(site, sc.telemetry, maintenance=w)
    src = next(s for s in eng.topology.sources if s.id == "glof:cha-1")
    has = source_features(site, src, eng.states, ticks, _by_station(eng.states), {}, None).raw["lake_has"]
    inside_w = (ticks >= w[0].start_ms) & (ticks < w[0].end_ms)
    assert (has[inside_w] == 0).all() and (has[~inside_w] == 1).all()


def test_maintenance_days_evaluate_quiet_with_their_windows_and_not_without(site, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`glofwatch simulate --kind maintenance`: technician visits (a transducer in the air, a radar at the bank, a
    geophone knocked, re-mounted off the old datum) with the windows the officer opened in the truth; `glofwatch
    evaluate` hands them to replay. With them, no evacuation; withheld (`--no-maintenance`), the re-mounts evacuate. The
    default mix of every seed is what it was (maintenance is made only on request)."""
    from glofwatch.evaluation.run import evaluate, folder_cases
    from glofwatch.sim.scenarios import KIND_CYCLE, generate, write_all

    scs = generate(site, seed=1_040_000, n=12, kinds=("maintenance",))
    assert [s.kind for s in scs] == ["maintenance"] * 12 and all(s.truth["maintenance"] for s in scs)
    assert [s.kind for s in generate(site, seed=1_040_000, n=10)] == [KIND_CYCLE[(1_040_000 + i) % 10] for i in range(10)]
    write_all(scs, tmp_path)
    told = evaluate(site, folder_cases(tmp_path), detectors=["fusion"]).scores["fusion"]
    untold = evaluate(site, folder_cases(tmp_path), detectors=["fusion"], maintenance=False).scores["fusion"]
    assert sum(s.false_evacuations for s in told) == 0
    assert sum(s.false_evacuations for s in untold) >= 3
