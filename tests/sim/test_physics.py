"""The physics pieces alone: volume conservation, travel within the wave-speed range, bounds."""

from __future__ import annotations

import numpy as np
import pytest

from glofwatch.sim.grounding import formula_peaks, huggel_volume, qp_lower_bound, qp_upper_bound
from glofwatch.sim.physics import MAX_CELERITY_MS, MIN_CELERITY_MS, Channel, Hydrograph, caine_intensity


@pytest.mark.parametrize("volume,peak,share", [(5e5, 400.0, 0.3), (1e5, 20.0, 0.15), (2e6, 4000.0, 0.5)])
def test_hydrograph_releases_its_volume(volume: float, peak: float, share: float) -> None:
    h = Hydrograph.from_volume(volume, peak, rise_share=share)
    t = np.arange(0, 200_000, 5.0)
    q = h.discharge(t)
    assert q.max() == pytest.approx(peak, rel=1e-3)
    assert np.trapezoid(q, t) == pytest.approx(volume, rel=0.01)
    assert h.released(np.array([1e9]))[0] == pytest.approx(volume, rel=1e-6)
    # stretching (attenuation) keeps the volume and lowers the peak
    qs = h.discharge(t, stretch=2.0)
    assert qs.max() == pytest.approx(peak / 2, rel=1e-3)
    assert np.trapezoid(qs, t) == pytest.approx(volume, rel=0.01)


@pytest.mark.parametrize("c0,decay", [(2.0, 0.0), (10.0, 0.0), (6.0, 0.5), (3.0, 0.9)])
def test_travel_time_within_wave_speed_range(c0: float, decay: float) -> None:
    ch = Channel(c0_ms=c0, decay=decay, length_km=25.0, attenuation_km=30.0)
    x = np.array([1.0, 8.0, 15.0, 25.0])
    t = ch.travel_s(x)
    assert np.all(np.diff(t) > 0)
    assert np.all(t >= x * 1000 / MAX_CELERITY_MS - 1e-6) and np.all(t <= x * 1000 / MIN_CELERITY_MS + 1e-6)
    if decay == 0:
        assert t[-1] == pytest.approx(25_000 / c0, rel=1e-3)
    # front position inverts travel time
    assert ch.front_km(t, x_max_km=30.0) == pytest.approx(x, abs=0.06)


def test_formulas_and_bounds_in_their_units() -> None:
    assert huggel_volume(64_000) == pytest.approx(6.95e5, rel=0.01)
    f = formula_peaks(1e6, "ice")
    assert f["clague_mathews_1973"] == pytest.approx(75.0) and f["walder_costa_1996_breach"] == pytest.approx(1100.0)
    assert formula_peaks(1e6, "moraine")["huggel_2002"] == pytest.approx(0.00077 * 1e6**1.017)
    assert qp_upper_bound(1e6) == pytest.approx(2000.0)
    assert 0 < qp_lower_bound(1e6, "moraine") < qp_upper_bound(1e6)
    assert caine_intensity(1.0) == pytest.approx(14.82)
