"""Impact: when the wave reaches each zone (detection.impact.arrivals), from the lake's onset and a sighting downstream."""

from __future__ import annotations

import pytest

from glofwatch.detection.impact import SPEED_MS, arrivals

ZONES = {"upper": 18.0, "town": 20.0}
ONSET = 1_786_521_600_000  # the lake's change point (ms)


def test_a_sighting_after_the_onset_measures_the_waves_speed_and_times_the_zones_from_it() -> None:
    seen = ONSET + 40 * 60_000  # a geophone 7.2 km down saw the front 40 min after the lake fell: 3 m/s
    onset, arr, speed = arrivals(ZONES, onset_ms=ONSET, sighting=("geo", 7.2, seen))
    assert onset == ONSET and speed == pytest.approx(3.0)
    assert arr[0].zone == "upper" and arr[0].eta_min == pytest.approx(40 + 10.8e3 / 3.0 / 60, abs=0.1)
    assert all(0 < a.eta_min_early <= a.eta_min <= a.eta_min_late for a in arr)


def test_a_station_that_fired_before_the_lake_fell_did_not_see_this_wave() -> None:
    """A geophone shaken before the lake's onset (the avalanche that struck the lake, a storm) is not the wave's front:
    timed from it, a blind red-team wave's alert expected it at cha-upper 4 min *before* the onset. The zones are timed
    from the lake's onset at the central speed, as with no sighting at all."""
    before = ONSET - 10 * 60_000
    got = arrivals(ZONES, onset_ms=ONSET, sighting=("geo", 7.2, before))
    assert got == arrivals(ZONES, onset_ms=ONSET, sighting=None)
    onset, arr, speed = got
    assert onset == ONSET and speed == SPEED_MS[1]
    assert [a.eta_min_early for a in arr] == [pytest.approx(18e3 / SPEED_MS[2] / 60, abs=0.1),
                                              pytest.approx(20e3 / SPEED_MS[2] / 60, abs=0.1)]
