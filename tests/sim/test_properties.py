"""Properties every scenario has, whatever its seed and physics variant (Hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glofwatch.sim.scenarios import VARIANTS, scenario
from glofwatch.site import load_site

SITE = load_site(None)
VALID = {(s.id, se.id): se.valid for s in SITE.stations for se in s.sensors}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2_000_000), variant=st.sampled_from(sorted(VARIANTS)))
def test_every_scenario_is_well_formed(seed: int, variant: str) -> None:
    sc = scenario(SITE, seed, variant=variant)
    df, t = sc.telemetry, sc.truth
    # every row names a sensor of the site, and every value is missing or inside the sensor's valid range
    keys = set(zip(df.station, df.sensor, strict=True))
    assert keys <= set(VALID), keys - set(VALID)
    for (station, sensor), g in df.groupby(["station", "sensor"]):
        lo, hi = VALID[(station, sensor)] or (-np.inf, np.inf)
        v = g.value.dropna()
        assert ((v >= lo) & (v <= hi)).all(), (station, sensor, v.min(), v.max())
    # times parse, and lie in the window (give or take a skewed logger clock)
    times = pd.to_datetime(df.time, format="ISO8601", utc=True)
    skew = pd.Timedelta(seconds=max(map(abs, t.get("clock_skew_s", {}).values()), default=0) + 1)
    assert times.min() >= pd.Timestamp(t["start"]) - skew and times.max() <= pd.Timestamp(t["end"]) + skew
    if t["hazard"]:
        onset = pd.Timestamp(t["onset"])
        assert all(pd.Timestamp(x) > onset for x in [*t["arrivals"].values(), *t["stations"].values()])
    for f in t["faults"]:
        assert pd.Timestamp(f["start"]) <= pd.Timestamp(f["end"]) and (f["station"], f["sensor"]) in VALID | {
            (s.id, "*"): None for s in SITE.stations}
