"""A debris flow in a valley without its own rain gauge (Chong-Ak-Suu borrows the Cholpon-Ata gauges): the storm
over its catchment reaches the neighbour's gauge weakened, below Caine's threshold, so a gauge front held by a
second reading evacuates there with rain over Guzzetti's global minimum and rain in the last 3 hours. The same
front in dry weather (an outburst's or a fault's business, not a debris flow's) does not evacuate a debris flow,
nor the same weak rain with a front in the valley whose own gauge shows the storm is not over Caine's."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from glofwatch.detection.replay import replay_frame
from glofwatch.sim.day import quiet_day

START = datetime(2026, 7, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def site():  # type: ignore[no-untyped-def]
    from glofwatch.cli import _site

    return _site(None)


def front(h: np.ndarray, v: np.ndarray) -> np.ndarray:
    """A debris flow's front at 04:00: +1 m in one reading, then receding (moving) over the next ones."""
    return v + np.where(h >= 4.0, 1.0 - 0.1 * np.clip((h - 4.0) * 12, 0, 8), 0.0)


def day(site, gauge: str, rain_mm_h: float) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    df = quiet_day(site, START, hours=6.0, seed=5)
    h = (pd.to_datetime(df["time"], utc=True) - pd.Timestamp(START)).dt.total_seconds().to_numpy() / 3600
    m = ((df["station"] == gauge) & (df["sensor"] == "stage")).to_numpy()
    df.loc[m, "value"] = front(h[m], df.loc[m, "value"].to_numpy(float))
    if rain_mm_h:  # weak rain from 02:00: over Guzzetti's minimum, far below Caine's threshold
        rain = (df["sensor"] == "precipitation").to_numpy() & (h >= 2.0)
        df.loc[rain, "value"] = rain_mm_h / 6
    return df


def debris_evacuations(site, df: pd.DataFrame) -> list:  # type: ignore[no-untyped-def]
    return [d for d in replay_frame(site, df) if d.level == "evacuate" and d.hazard == "debris_flow"]


def test_a_front_in_a_valley_without_rain_gauge_evacuates_on_the_neighbours_weak_rain(site) -> None:  # type: ignore[no-untyped-def]
    ev = debris_evacuations(site, day(site, "gauge-cak", 3.0))
    assert ev and ev[0].zones == ["cak-grig"]
    assert "2026-07-01T04:00:00Z" <= ev[0].time <= "2026-07-01T04:10:00Z"
    f = ev[0].evidence["features"]
    assert f["rain_far"] == 1.0 and f["rain_c"] < 1.0  # the neighbour's gauge: not over Caine's threshold


def test_the_same_front_in_dry_weather_is_no_debris_flow(site) -> None:  # type: ignore[no-untyped-def]
    assert debris_evacuations(site, day(site, "gauge-cak", 0.0)) == []


def test_weak_rain_at_the_valleys_own_gauge_is_no_storm(site) -> None:  # type: ignore[no-untyped-def]
    assert debris_evacuations(site, day(site, "gauge-cha", 3.0)) == []
