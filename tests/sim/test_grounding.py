"""The shipped table of recorded outbursts and the prior drawn from it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from glofwatch.sim.grounding import (
    build_event_table,
    default_prior,
    formula_peaks,
    load_events,
    peak_match,
    qp_lower_bound,
    qp_upper_bound,
)
from tests.conftest import shared_data


def test_shipped_table_is_what_the_builder_makes_from_shared_data() -> None:
    data = shared_data("glof_events").parent
    built = build_event_table(data)
    shipped = load_events()
    assert len(built) == len(shipped)
    for col in ("flood_volume_m3", "peak_discharge_m3s", "lake_volume_m3"):
        np.testing.assert_allclose(built[col].to_numpy(float), shipped[col].to_numpy(float), rtol=1e-5, equal_nan=True)
    assert (built["dam"].to_numpy() == shipped["dam"].to_numpy()).all()
    kg = shipped[shipped.country.astype(str).str.contains("Kyrgyz")]
    assert len(kg) > 50  # Merzbacher, Teskey and Kungey Ala-Too events


def test_prior_draws_lie_between_the_bounds_and_near_the_formulas() -> None:
    prior = default_prior()
    rng = np.random.default_rng(1)
    for dam in ("moraine", "ice"):
        for v in (5e4, 5e5, 5e6):
            q = np.array([prior.peak_discharge(v, dam, rng) for _ in range(300)])
            assert (q >= qp_lower_bound(v, dam) - 1e-9).all() and (q <= qp_upper_bound(v) + 1e-9).all()
            f = formula_peaks(v, dam)
            # the median draw sits within the spread of the formulas for that dam type, widened by 3x
            assert min(f.values()) / 3 <= np.median(q) <= max(f.values()) * 3, (dam, v, np.median(q), f)
        fr = [prior.drained_fraction(dam, rng) for _ in range(200)]
        assert min(fr) >= 0.05 and max(fr) <= 1.0 and 0.4 < float(np.median(fr)) <= 1.0


def test_recorded_table_has_what_the_prior_needs() -> None:
    ev = load_events()
    pairs = ev[(ev.flood_volume_m3 > 0) & (ev.peak_discharge_m3s > 0)]
    assert (pairs.dam == "moraine").sum() >= 40 and (pairs.dam == "ice").sum() >= 200
    assert isinstance(ev, pd.DataFrame) and default_prior().fits["moraine"].n == (pairs.dam == "moraine").sum()


@pytest.mark.parametrize("dam", ["bedrock", "landslide", "unknown"])
def test_rare_dam_types_fall_back_to_the_pooled_fit(dam: str) -> None:
    assert default_prior().fits[dam].n > 100


def test_peak_match_reports_ks_per_dam_type_and_formulas() -> None:
    r = peak_match(seed=0, max_volume_m3=1e7)
    sim = r["simulator"]
    assert set(sim) == {"all", "moraine", "ice"} and r["events"] == sim["all"]["n"] > 100
    assert 0 <= sim["moraine"]["ks"] <= 1 and len(sim["moraine"]["simulated_log10_q10_q50_q90"]) == 3
    assert {"huggel_2002", "clague_mathews_1973", "popov_1991"} <= set(r["formulas"])
    # the grounded simulator matches moraine-dam records better than the northern Tien Shan formula does
    assert sim["all"]["ks"] < r["formulas"]["popov_1991"]["ks"]


def test_debris_flow_peaks_follow_the_measured_illgraben_flows() -> None:
    from glofwatch.sim.grounding import debris_flow_peak, load_debris_flows
    from glofwatch.sim.physics import mizuyama_peak, rickenmann_peak

    d = load_debris_flows().dropna()
    assert len(d) == 13
    q = np.array([debris_flow_peak(5e4, u) for u in np.linspace(0, 1, 101)])
    assert np.all(np.diff(q) >= 0)
    assert 0.3 < np.median(q) / mizuyama_peak(5e4) < 0.7  # measured: about half of Mizuyama (1992)
    assert q.max() < rickenmann_peak(5e4) / 5
    # the measured flows themselves sit inside the drawn range for their volumes
    for v, qp in zip(d.volume_m3, d.peak_discharge_m3s, strict=True):
        assert debris_flow_peak(v, 0.0) <= qp <= debris_flow_peak(v, 1.0)


def test_shipped_illgraben_table_is_the_shared_one() -> None:
    from glofwatch.sim.grounding import load_debris_flows

    src = pd.read_csv(shared_data("seismic", "illgraben_debrisflow_characteristics_2019_2020.csv"), encoding="utf-8-sig")
    ours = load_debris_flows()
    np.testing.assert_allclose(ours.volume_m3, src["Volume laser CD 27-29 (m^3)"], rtol=1e-5)
    np.testing.assert_allclose(ours.peak_discharge_m3s, src["Peak discharge (quantile 0.99) laser CD 27-29 (m/s)"], rtol=1e-5)
