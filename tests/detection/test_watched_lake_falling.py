"""A level station on an ice-dammed lake lets the river rules read that lake when it shows the lake falling; standing, it
rules the lake out (``fusion._unwatched``, ``LAKE_SAYS_FALLING_M``).

The rules that read a drainage from the river below (a step that stood in dry weather, a flood passing the geophone, a
slow flood's signs in order) were for a lake nobody watches. With a station at cha-2 (the network study of BENCHMARKS
stop 28) they fell silent, and its tunnel drainages, which lower the lake a decimetre an hour for hours (a sensor's drift
to the lake rules), were evacuated after the village. Synthetic telemetry of the demo site with a station added at cha-2
(``glofwatch.site.network.with_lake_station``) through the real engine."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from glofwatch.detection.replay import replay_frame
from tests.detection.synthetic import START, rain_and_stage_day

STEP_H = 4.0  # the drainage's first water steps gauge-cha at 04:00
FALL_FROM_H = 3.0  # the lake begins to fall at 03:00


@pytest.fixture(scope="module")
def site(tmp_path_factory):  # type: ignore[no-untyped-def]
    from glofwatch.cli import _site
    from glofwatch.site.network import with_lake_station

    folder, station = with_lake_station(None, "cha-2", tmp_path_factory.mktemp("network") / "site")
    assert station == "lake-cha-2"
    return _site(str(folder))


def stage(h: np.ndarray, v: np.ndarray) -> np.ndarray:
    """gauge-cha at rest (0.7 m, the melt rhythm's centimetre an hour), stepped 5 cm at 04:00, then rising 2 cm an hour."""
    rest = 0.7 + 0.01 * h + np.random.default_rng(3).normal(0, 0.003, len(h))
    return np.round(rest + np.where(h >= STEP_H, 0.05 + 0.02 * (h - STEP_H), 0.0), 4)


def day(site, fall_m_h: float) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """8 dry hours; lake-cha-2 falls ``fall_m_h`` an hour from 03:00 and gauge-cha steps up at 04:00."""
    df = rain_and_stage_day(site, None, stage, seed=11)
    h = (pd.to_datetime(df["time"], utc=True) - pd.Timestamp(START)).dt.total_seconds().to_numpy() / 3600
    lake = ((df["station"] == "lake-cha-2") & (df["sensor"] == "water_level")).to_numpy()
    assert lake.sum() > 80, "the site copy must have a station at cha-2 reporting every 5 min"
    df.loc[lake, "value"] = df.loc[lake, "value"].to_numpy(float) - fall_m_h * np.clip(h[lake] - FALL_FROM_H, 0, None)
    return df


def evacuations(site, fall_m_h: float) -> list:  # type: ignore[no-untyped-def]
    return [d for d in replay_frame(site, day(site, fall_m_h)) if d.level == "evacuate"]


def test_a_station_showing_its_lake_falling_lets_the_river_step_evacuate(site) -> None:  # type: ignore[no-untyped-def]
    ev = evacuations(site, 0.1)
    assert ev and ev[0].hazard == "glof" and ev[0].lake == "cha-2", [(d.time, d.lake) for d in ev]
    assert ev[0].zones == ["cha-upper", "cha-town", "cha-shore"]
    # at the step's fourth reading, as below a lake nobody watches (tests/detection/test_river_lifted.py)
    assert "2026-07-01T04:14:00Z" < ev[0].time <= "2026-07-01T04:16:00Z", ev[0].time
    assert any(x.startswith("safety rule: the river below a lake nobody watches (or whose station shows it falling) "
                            "stepped up") for x in ev[0].explanation), ev[0].explanation


@pytest.mark.parametrize("fall_m_h", [0.0, 0.01])
def test_a_station_showing_its_lake_standing_rules_it_out(site, fall_m_h: float) -> None:  # type: ignore[no-untyped-def]
    # the same step in the river, both lakes of the valley watched and standing (or falling a centimetre an hour, a
    # sensor's creep): no lake let that water go, nothing is evacuated
    assert evacuations(site, fall_m_h) == []


def test_a_level_sensor_sending_nothing_usable_watches_nothing(site, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # lake-cha-1's transducer dies at 03:00 and sends empty values while the station's battery and temperature report on
    # (a blind red-team fault during a cha-1 breach); cha-2's station shows its lake standing: the river's step is cha-1's
    from tests.detection.test_live_replay import _key, live_decisions

    df = day(site, 0.0)
    h = (pd.to_datetime(df["time"], utc=True) - pd.Timestamp(START)).dt.total_seconds().to_numpy() / 3600
    dead = ((df["station"] == "lake-cha-1") & (df["sensor"] == "water_level")).to_numpy() & (h >= FALL_FROM_H)
    df.loc[dead, "value"] = np.nan
    rep = replay_frame(site, df)
    ev = [d for d in rep if d.level == "evacuate"]
    assert ev and ev[0].lake == "cha-1" and ev[0].zones == ["cha-upper", "cha-town", "cha-shore"], \
        [(d.time, d.lake) for d in ev]
    assert "2026-07-01T04:14:00Z" < ev[0].time <= "2026-07-01T04:16:00Z", ev[0].time
    assert _key(live_decisions(site, df, tmp_path, 5)) == _key(rep)  # live (empty values as stations send them) alike


def test_a_transducer_that_sends_nothing_after_its_maintenance_watches_nothing(site) -> None:  # type: ignore[no-untyped-def]
    # lake-cha-1's transducer is worked on 02:30-03:00 and sends empty values from then on, the station reporting: the
    # window's end starts the count (its readings from before are another mounting's), and the river's step is cha-1's
    from glofwatch.telemetry.maintenance import Window

    df = day(site, 0.0)
    h = (pd.to_datetime(df["time"], utc=True) - pd.Timestamp(START)).dt.total_seconds().to_numpy() / 3600
    dead = ((df["station"] == "lake-cha-1") & (df["sensor"] == "water_level")).to_numpy() & (h >= 2.5)
    df.loc[dead, "value"] = np.nan
    t0 = int(pd.Timestamp(START).value // 1_000_000)
    w = [Window("lake-cha-1", "water_level", t0 + int(2.5 * 3_600_000), t0 + 3 * 3_600_000, "re-mounted", "test")]
    ev = [d for d in replay_frame(site, df, maintenance=w) if d.level == "evacuate"]
    assert ev and ev[0].lake == "cha-1", [(d.time, d.lake) for d in ev]
    assert "2026-07-01T04:14:00Z" < ev[0].time <= "2026-07-01T04:16:00Z", ev[0].time
