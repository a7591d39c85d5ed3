"""A rain gauge's lone burst is a glitch: it counts at its own reading, and as no rain once the next reading is dry.

A reading of 10 mm in 10 min (60 mm/h) with no rain in the readings either side is a bucket tipped by hand or a logger's
bad count (the blind red-team's rain spikes made outbursts look like storms' debris flows). Its own reading still counts:
whether the next is dry is not known yet, and the live path decides on what it has (replay must decide the same)."""

from __future__ import annotations

import numpy as np
import pytest

from glofwatch.detection.detectors.rainfall import LONE_MM_H, Rainfall
from glofwatch.site.model import SensorSpec

INTERVAL_S = 600


def feats(v: list[float], t_s: list[int] | None = None) -> dict[str, np.ndarray]:
    t = np.asarray(t_s if t_s is not None else np.arange(len(v)) * INTERVAL_S, dtype=np.int64) * 1000
    sensor = SensorSpec(id="precipitation", unit="mm", interval_s=INTERVAL_S)
    return Rainfall().compute(t, np.asarray(v, dtype=float), None, sensor)  # type: ignore[arg-type]


def test_a_lone_burst_counts_at_its_reading_and_not_after_the_next_one() -> None:
    assert round(LONE_MM_H * INTERVAL_S / 3600, 6) == 10.0  # 10 mm in 10 min
    f = feats([0, 0, 0, 12.0, 0, 0, 0])
    assert f["i1h"][3] == pytest.approx(12.0)  # its own reading: the next is not known yet
    assert f["i1h"][4] == 0 and f["i3h"][6] == 0 and f["caine"][5] == 0 and f["i30m"][4] == 0


@pytest.mark.parametrize("series", [
    [0, 0, 1.0, 12.0, 0, 0],  # rain before it: a storm's burst
    [0, 0, 0, 12.0, 0.4, 0],  # rain after it
    [0, 0, 0, 9.0, 0, 0],  # under 60 mm/h over its interval
])
def test_a_burst_in_rain_or_a_smaller_one_counts(series: list[float]) -> None:
    f = feats(series)
    assert f["i1h"][5] == pytest.approx(sum(series[:6]))


def test_a_burst_next_to_a_gap_counts() -> None:
    # the reading after it came 30 min later: what fell in between is unknown
    f = feats([0, 0, 0, 12.0, 0, 0], [0, 600, 1200, 1800, 3600, 4200])
    assert f["i1h"][5] == pytest.approx(12.0)


def test_each_reading_is_decided_on_the_readings_up_to_it() -> None:
    """The features at a reading are the same whether or not later readings exist (replay = live)."""
    rng = np.random.default_rng(1)
    v = np.where(rng.random(120) < 0.15, rng.choice([0.2, 3.0, 11.0, 15.0], 120), 0.0)
    full = feats(list(v))
    for j in range(1, len(v)):
        part = feats(list(v[: j + 1]))
        for name in ("i1h", "i3h", "caine", "i30m"):
            assert part[name][j] == pytest.approx(full[name][j]) or (np.isinf(part[name][j]) and np.isinf(full[name][j]))
