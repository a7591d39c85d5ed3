"""The geophone's 10-minute medians after a trigger (``sta_lta``'s lift) are the same whichever way they are taken: one
median a window (a replay's rare triggers) or one rolling median over the span (a live buffer around a flow)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from glofwatch.detection.detectors import sta_lta


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=120, max_value=400), st.integers(min_value=0, max_value=2**31 - 1))
def test_rolling_and_per_window_medians_agree(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    t = np.cumsum(rng.integers(20_000, 120_000, n)).astype(np.int64)  # irregular readings, gaps of up to 2 min
    v = rng.lognormal(-2.0, 1.0, n)
    v[rng.random(n) < 0.1] = np.nan  # frozen readings (unfrozen() makes them NaN), some windows all NaN
    v[10:20] = np.nan
    idx = np.flatnonzero(rng.random(n) < 0.5)
    lo = np.searchsorted(t, t[idx] - sta_lta.LIFT_NOW_MS, side="right")
    assert len(idx) > 32  # the rolling path
    many = sta_lta._medians_now(t, v, lo, idx)
    one_by_one = np.array([sta_lta._medians_now(t, v, lo[k:k + 1], idx[k:k + 1])[0] for k in range(len(idx))])
    np.testing.assert_array_equal(many, one_by_one)  # NaN where a window holds frozen readings only


def test_a_window_the_readings_do_not_cover_triggers_nothing() -> None:
    """A channel drifting below zero leaves QC only its noise's upper tail: one 0.09 mm/s reading every 4 min after an
    hour at 0.01. Each is a 3-min STA of one reading, x9 the hour: no trigger (STA_MIN_SHARE). The same shaking every
    minute triggers."""
    from glofwatch.site import load_site

    site = load_site(None)
    station = site.station_by_id["geo-cha"]
    sensor = next(s for s in station.sensors if s.id == "ground_velocity")
    hour = np.arange(60, dtype=np.int64) * 60_000
    after = 3_600_000 + np.arange(0, 40, dtype=np.int64) * 60_000
    det = sta_lta.StaLta()
    rng = np.random.default_rng(3)
    quiet, shaking = 0.01 * rng.lognormal(0, 0.1, 60), 0.09 * rng.lognormal(0, 0.1, 40)  # noisy: identical is frozen
    sparse = np.arange(4, 40, 4)  # the hour's last reading is 4 min before the first of these
    ratio = det.compute(np.r_[hour, after[sparse]], np.r_[quiet, shaking[sparse]], station, sensor)["ratio"]
    assert ratio[60:].max() == 0.0
    ratio = det.compute(np.r_[hour, after], np.r_[quiet, shaking], station, sensor)["ratio"]
    assert ratio[62] >= sta_lta.FIRE_RATIO
