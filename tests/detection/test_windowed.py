"""detectors.base.windowed: bottleneck's moving windows on a logger's grid give pandas' time-based rolling values exactly."""

from __future__ import annotations

import numpy as np
import pytest

from glofwatch.detection.detectors import base
from glofwatch.detection.detectors.base import rolling, windowed

STATS = ("median", "max", "min")


def pandas_way(t: np.ndarray, v: np.ndarray, window_ms: int, stat: str) -> np.ndarray:
    return getattr(rolling(t, v, window_ms), stat)().to_numpy()


def series(kind: str, n: int = 3000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    step = 300_000
    if kind == "regular":
        t = np.arange(n) * step
    elif kind == "gaps":  # a fifth of the readings missing, a few long dropouts
        keep = rng.random(n) > 0.2
        keep[500:620] = False
        t = (np.arange(n) * step)[keep]
    elif kind == "offset":  # a logger whose clock runs 86.6 s off the hour: still a grid
        t = np.arange(n) * step + 86_600
    else:  # off any grid: jittered times
        t = np.cumsum(rng.integers(250_000, 350_000, n))
    v = rng.normal(1.0, 0.3, len(t)).round(3)  # rounded: ties, as stage readings in mm have
    v[rng.random(len(t)) < 0.03] = np.nan
    return t.astype(np.int64), v


@pytest.mark.parametrize("kind", ["regular", "gaps", "offset", "jitter"])
@pytest.mark.parametrize("window_ms", [60_000, 300_000, 600_000, 1_800_000, 3 * 3_600_000, 10**12])
def test_windowed_equals_pandas(kind: str, window_ms: int, monkeypatch: pytest.MonkeyPatch) -> None:
    t, v = series(kind)
    expected = {stat: pandas_way(t, v, window_ms, stat) for stat in STATS}
    if kind != "jitter":  # on a grid: bottleneck's windows, pandas never asked
        monkeypatch.setattr(base, "rolling", None)
    for stat in STATS:
        np.testing.assert_array_equal(windowed(t, v, window_ms, stat), expected[stat], err_msg=stat)


def test_windowed_on_booleans_short_and_empty_series() -> None:
    t = np.arange(10, dtype=np.int64) * 60_000
    flags = (np.arange(10) % 4 == 0).astype(float)
    np.testing.assert_array_equal(windowed(t, flags, 180_000, "max"), pandas_way(t, flags, 180_000, "max"))
    one = np.array([5], dtype=np.int64)
    np.testing.assert_array_equal(windowed(one, np.array([2.0]), 60_000, "median"), [2.0])
    assert len(windowed(np.zeros(0, dtype=np.int64), np.zeros(0), 60_000, "min")) == 0


def test_a_series_too_sparse_for_a_grid_goes_through_pandas(monkeypatch: pytest.MonkeyPatch) -> None:
    t = np.array([0, 60_000, 10**9, 10**9 + 60_000], dtype=np.int64)  # a grid of 16 668 slots for 4 readings
    v = np.array([1.0, 3.0, 2.0, 4.0])
    monkeypatch.setattr(base, "_MOVING", {})  # bottleneck never asked
    for stat in STATS:
        np.testing.assert_array_equal(windowed(t, v, 120_000, stat), pandas_way(t, v, 120_000, stat))
