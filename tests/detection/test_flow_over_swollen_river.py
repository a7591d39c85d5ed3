"""A tremor that built up to twelve times its background and lasted over a river that swelled under it, louder than a
storm drums the geophone, is a debris flow (fusion.tremor_over_swelling): holdout red-team flows of Cholpon-Ata shook geo-cha 8-70x its background for
10-30 min while gauge-cha rose 0.3-2 m without a front, under 0.4-5.4 mm/h at the valley's rain gauges, and were read
as the storm's drumming. Synthetic telemetry of the reference site through the real engine."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from glofwatch.detection.features import RAW
from glofwatch.detection.fusion import (
    RULE_TEXT,
    SWOLLEN_GAUGE_M,
    SWOLLEN_ROAR_RUN_MIN,
    SWOLLEN_RUN_MIN,
    tremor_over_swelling,
)
from glofwatch.detection.replay import replay_frame
from tests.detection.synthetic import geophone_tremor, rain_and_stage_day, rain_from, ramp

CHA = ["cha-upper", "cha-town", "cha-shore"]
RULE = RULE_TEXT["flow_over_swollen_river"]
SHAKE_AT = 3.0  # hours


def swelling(rise: float):  # type: ignore[no-untyped-def]
    """The river climbs ``rise`` m from 02:20 over 50 min, a little every reading (runoff and a flow's flood: no front)."""
    return lambda h, v: v + rise * np.clip((h - 2 - 1 / 3) / (5 / 6), 0, 1)


def day(site, *, rain_mm_h: float | None = 1.2, rise: float = 0.6, peak_mm_s: float = 0.036,  # type: ignore[no-untyped-def]
        ramp_min: float = 4.0, fade_to: float = 1.0, rain_at: float = 1.0, minutes: float = 30.0) -> pd.DataFrame:
    """6 h of a quiet day, rain from ``rain_at`` h (None: dry), gauge-cha swelling by ``rise``; from 03:00 geo-cha shakes
    at ``peak_mm_s`` over its ~0.003 mm/s background for ``minutes``, rising to it over ``ramp_min`` minutes (a flow's front;
    0: at its peak from the first minute, a burst's), then easing to ``fade_to`` of it by its tenth minute."""
    df = rain_and_stage_day(site, rain_from(rain_at, rain_mm_h) if rain_mm_h else None, swelling(rise), hours=6.0)
    return geophone_tremor(df, SHAKE_AT, minutes, peak_mm_s,
                           lambda m: ramp(m, ramp_min) * np.interp(m, [ramp_min, 10.0], [1.0, fade_to]))


def by_rule(site, **kw) -> list:  # type: ignore[no-untyped-def]
    return [d for d in replay_frame(site, day(site, **kw)) if d.level == "evacuate" and RULE in d.explanation]


def test_a_lasting_tremor_over_a_swelling_river_in_light_rain_is_a_debris_flow(site) -> None:  # type: ignore[no-untyped-def]
    """1.2 mm/h at the valley's gauges (under Guzzetti's minimum: the rules that read the storm say nothing), the tremor
    ~13x its background from 03:00, the river 0.6 m up: EVACUATE Cholpon-Ata at the tremor's eighth minute, also when
    the rain began within the hour (a storm's first hour, storm_just_began, does not hold it back)."""
    ev = by_rule(site)
    assert ev and ev[0].hazard == "debris_flow" and ev[0].zones == CHA
    assert "2026-07-01T03:07:00Z" <= ev[0].time <= "2026-07-01T03:10:00Z", ev[0].time
    assert ev[0].evidence["features"]["rain_g"] < 1.0
    assert by_rule(site, rain_mm_h=3.0, rain_at=2.5)  # 3 mm/h from 02:30 only: the storm's first hour


def test_a_tremor_that_built_up_to_twelve_times_is_a_debris_flow_in_any_rain(site) -> None:  # type: ignore[no-untyped-def]
    """A storm's first half hour at 8 mm/h (storm_just_began holds the other flow rules back): a tremor that built up to
    ~13x its background and eased to a third of it by its tenth minute (no longer holding) over a river 0.6 m up
    evacuates at its eighth minute, one of ~34x (over SWOLLEN_ROAR) at its fifth; as strong a tremor over a river at
    rest does not."""
    for peak, first, last in ((0.036, "03:07", "03:10"), (0.1, "03:04", "03:07")):
        ev = by_rule(site, rain_mm_h=8.0, rain_at=2.5, peak_mm_s=peak, fade_to=0.35)
        assert ev and ev[0].hazard == "debris_flow" and ev[0].zones == CHA, peak
        assert f"2026-07-01T{first}:00Z" <= ev[0].time <= f"2026-07-01T{last}:00Z", (peak, ev[0].time)
    assert by_rule(site, rain_mm_h=8.0, rain_at=2.5, peak_mm_s=0.1, fade_to=0.35, rise=0.1) == []


def test_a_river_at_rest_a_burst_a_weak_or_a_short_tremor_are_not_this_rule(site) -> None:  # type: ignore[no-untyped-def]
    """A river under SWOLLEN_GAUGE_M over its median carries no flood; a burst at its peak from its first minute is a
    rockfall's or a logger's; a tremor that never reached SWOLLEN_PEAK times its background is a storm's drumming (the
    generators' storms drummed geo-cha at up to 10.1x), in a downpour too; a tremor shorter than SWOLLEN_RUN_MIN is not
    yet a flow, nor a roar shorter than SWOLLEN_ROAR_RUN_MIN."""
    assert by_rule(site, rise=SWOLLEN_GAUGE_M / 2) == []
    assert by_rule(site, ramp_min=0.0, peak_mm_s=0.1) == []  # ~34x in its first minute
    assert by_rule(site, peak_mm_s=0.028) == []  # ~10x
    assert by_rule(site, peak_mm_s=0.028, rain_mm_h=12.0, rain_at=2.5) == []
    for peak, run in ((0.036, SWOLLEN_RUN_MIN), (0.1, SWOLLEN_ROAR_RUN_MIN)):  # ~13x, ~34x
        assert by_rule(site, peak_mm_s=peak, minutes=run - 2) == [], peak  # two minutes short of the rule's


def test_in_dry_weather_the_flood_passing_the_geophone_is_not_a_debris_flows() -> None:
    """No rain in the last 3 hours: a flood passing the geophone over a swelling river is a lake's water let go
    (flood_passing, slow_outburst read it), not a debris flow of this rule; the same features with rain are."""
    n = 3
    raw = {k: np.zeros(n) for k in RAW}
    raw.update(geo_ratio=np.full(n, 12.0), geo_run=np.full(n, SWOLLEN_RUN_MIN), geo_hold=np.full(n, 0.9),
               geo_onset=np.full(n, 5.0), gauge=np.full(n, 0.6), rain_i1=np.array([0.0, 0.0, 1.0]),
               rain_i3=np.array([0.0, 0.4, 0.4]))
    assert tremor_over_swelling(raw).tolist() == [False, True, True]


@pytest.mark.parametrize("kw", [{}, {"rain_mm_h": 8.0, "rain_at": 2.5, "peak_mm_s": 0.1, "fade_to": 0.35}],
                         ids=["light-rain", "roar"])
def test_live_in_small_batches_evacuates_as_replay(site, tmp_path, kw) -> None:  # type: ignore[no-untyped-def]
    """The rule reads state counted over minutes (the tremor's run, its first minute, its 15-min peak): the live path
    (Ingestor + DetectionListener, one and five minutes of readings a message) decides as one replay of the day."""
    from tests.detection.test_live_replay import _key, live_decisions

    df = day(site, **kw)
    replayed = replay_frame(site, df)
    assert [d for d in replayed if d.level == "evacuate" and RULE in d.explanation]
    for batch_min in (1, 5):
        assert _key(live_decisions(site, df, tmp_path, batch_min)) == _key(replayed), batch_min
