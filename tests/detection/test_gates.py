"""Safety gates of the fusion: a sustained geophone trigger in heavy rain evacuates a debris flow, a burst does not."""

from __future__ import annotations

import numpy as np

from glofwatch.detection.features import RAW, run_minutes
from glofwatch.detection.fusion import GEO_SUSTAIN_MIN, STORM_ON_MM_H, evidence_gates, rule_floor


def _raw(n: int, **cols: np.ndarray) -> dict[str, np.ndarray]:
    raw = {k: np.zeros(n) for k in RAW}
    raw["rain_before"] = np.full(n, 10.0)  # rain in the 2 hours before the last: no storm in its first hour (storm_just_began)
    raw.update(cols)
    return raw


def test_run_minutes_counts_unbroken_stretches() -> None:
    ticks = np.arange(8) * 60_000
    on = np.array([0, 1, 1, 1, 0, 1, 1, 0], dtype=bool)
    assert run_minutes(on, ticks).tolist() == [0, 1, 2, 3, 0, 1, 2, 0]
    assert run_minutes(np.ones(3, dtype=bool), ticks[:3]).tolist() == [1, 2, 3]


def test_run_minutes_carried_across_evaluations_equals_one_pass() -> None:
    from glofwatch.detection.features import last_off_tick

    ticks = np.arange(12) * 60_000
    on = np.array([1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1], dtype=bool)
    whole = run_minutes(on, ticks)
    off, parts = None, []
    for a in range(12):  # one tick a call, as live
        parts += run_minutes(on[a:a + 1], ticks[a:a + 1], off).tolist()
        off = last_off_tick(on[a:a + 1], ticks[a:a + 1], off)
    assert parts == whole.tolist() == [1, 2, 0, 1, 2, 3, 4, 5, 0, 1, 2, 3]


def test_a_run_after_a_gap_is_credited_one_grid_step_not_the_gap() -> None:
    """Inside a geophone's gap the ticks are other sensors' (5 min apart here): a trigger at the first reading after it
    has shaken one minute, not the five since the last tick off; the same carried across live calls."""
    from glofwatch.detection.features import last_off_tick

    ticks = np.array([0, 1, 2, 7, 8, 9, 14, 15]) * 60_000
    on = np.array([1, 0, 0, 1, 1, 1, 0, 1], dtype=bool)
    whole = run_minutes(on, ticks)
    assert whole.tolist() == [1, 0, 0, 1, 2, 3, 0, 1]
    for step in (1, 2, 3):
        off, parts = None, []
        for a in range(0, len(ticks), step):
            parts += run_minutes(on[a:a + step], ticks[a:a + step], off).tolist()
            off = last_off_tick(on[a:a + step], ticks[a:a + step], off)
        assert parts == whole.tolist(), step


def test_geophone_in_heavy_rain_evacuates_only_when_sustained() -> None:
    n = 30
    ticks = np.arange(n) * 60_000
    geo = np.full(n, 20.0)
    rain = np.full(n, 1.5)  # over Caine's threshold
    storm = np.full(n, 2 * STORM_ON_MM_H)
    raw = _raw(n, geo_ratio=geo, rain_c=rain, rain_i1=storm, geo_run=run_minutes(geo >= 4, ticks))
    warn, evac = evidence_gates("debris_flow", raw)
    assert warn.all()
    first = int(np.flatnonzero(evac)[0])
    assert raw["geo_run"][first] >= GEO_SUSTAIN_MIN and not evac[:first].any()

    burst = np.where(np.arange(n) < 10, 120.0, 1.0)  # 10 minutes of strong shaking: rockfall, a vehicle
    raw = _raw(n, geo_ratio=burst, rain_c=rain, rain_i1=storm, geo_run=run_minutes(burst >= 4, ticks))
    assert not evidence_gates("debris_flow", raw)[1].any()

    dry = _raw(n, geo_ratio=geo, geo_run=run_minutes(geo >= 4, ticks))  # no rain: a geophone alone never evacuates
    assert not evidence_gates("debris_flow", dry)[1].any()


def test_gauge_front_evacuates_a_debris_flow_only_while_the_storm_is_on() -> None:
    """Caine's ratio stays above 1 for hours after a storm (its 6-24 h windows): a stage glitch then is no flow."""
    n = 5
    front = {"gauge": np.full(n, 2.0), "gauge_front": np.ones(n), "gauge_held": np.ones(n), "rain_c": np.full(n, 1.3),
             "rain_g": np.full(n, 9.0)}
    during = evidence_gates("debris_flow", _raw(n, rain_i1=np.full(n, 20.0), **front))[1]
    after = evidence_gates("debris_flow", _raw(n, rain_i1=np.full(n, 1.0), **front))[1]  # drizzle, 2 h after the storm
    assert during.all() and not after.any()


def test_a_gauge_alone_evacuates_a_debris_flow_on_its_second_reading_whatever_the_model_says() -> None:
    n = 2
    one = {"gauge": np.full(n, 1.0), "gauge_front": np.ones(n), "rain_c": np.full(n, 1.3), "rain_g": np.full(n, 9.0),
           "rain_i1": np.full(n, 20.0)}
    assert not evidence_gates("debris_flow", _raw(n, **one))[1].any()  # one reading: a glitch until a second agrees
    held = _raw(n, gauge_held=np.ones(n), **one)
    assert evidence_gates("debris_flow", held)[1].all() and rule_floor("debris_flow", held).all()
    assert not rule_floor("debris_flow", _raw(n, gauge_held=np.ones(n), **{**one, "rain_i1": np.full(n, 1.0)})).any()


def test_a_tremor_that_holds_evacuates_sooner_than_a_decaying_burst() -> None:
    """Five minutes of a geophone trigger that has not decayed, in a storm, is a flow; a decaying impulse is not."""
    from glofwatch.detection.detectors.sta_lta import StaLta

    n = 20
    t = np.arange(n) * 60_000
    quiet = 0.02 * np.random.default_rng(1).lognormal(0.0, 0.1, 8)  # the background (a live geophone never repeats)
    # the front's tremor grows, in surges (a rise of one size every minute is a channel drifting: sta_lta.unramped)
    flow = np.r_[quiet, np.linspace(0.2, 0.6, n - 8) * np.random.default_rng(2).lognormal(0.0, 0.2, n - 8)]
    burst = np.r_[quiet, 3.0 * np.exp(-np.arange(n - 8) / 2.0) + 0.02]  # rockfall: jumps, decays
    storm = {"rain_c": np.full(n, 1.5), "rain_i1": np.full(n, 2 * STORM_ON_MM_H)}
    first = []
    for v in (flow, burst):
        f = StaLta().compute(t, v, None, None)  # type: ignore[arg-type]
        ratio = f["ratio"]
        raw = _raw(n, geo_ratio=ratio, geo_run=run_minutes(ratio >= 4, t), geo_hold=np.where(ratio >= 4, f["hold"], 0), **storm)
        evac = evidence_gates("debris_flow", raw)[1]
        first.append(int(np.flatnonzero(evac)[0]) if evac.any() else None)
    assert first[0] is not None and first[0] - 8 < GEO_SUSTAIN_MIN  # sooner than the 12-min rule
    assert first[1] is None


def test_a_silent_lake_station_and_a_rockfall_at_the_geophone_do_not_evacuate_an_outburst() -> None:
    """A flat battery at the lake and an impulse at the geophone are two faults; a flow's tremor holds."""
    n = 6
    silent = {"lake_missed": np.full(n, 4.0), "lake_has": np.ones(n), "geo_ratio": np.full(n, 30.0),
              "geo_run": np.arange(1.0, n + 1)}
    burst = evidence_gates("glof", _raw(n, geo_hold=np.array([1.0, 0.8, 0.4, 0.2, 0.1, 0.05]), **silent))[1]
    flow = evidence_gates("glof", _raw(n, geo_hold=np.ones(n), **silent))[1]
    assert not burst.any()
    assert flow.tolist() == [False, False, True, True, True, True]  # from the third minute of trigger


def test_a_gauge_spike_while_the_lake_station_is_one_report_late_does_not_evacuate() -> None:
    """A blind red-team fault day: gauge-cak jumped 2.5 m for one reading while lake-cak-1's reading was 3 min late
    (1.6 missed). The same front after three missed reports, or held by a second, moving reading, evacuates."""
    from glofwatch.detection.detectors.gauge_rise import FIRE_M as GAUGE_FIRE

    n = 3
    front = {"lake_has": np.ones(n), "gauge": np.full(n, 2 * GAUGE_FIRE), "gauge_front": np.ones(n)}  # no geophone: Chong-Ak-Suu
    late = evidence_gates("glof", _raw(n, lake_missed=np.full(n, 1.6), **front))[1]
    silent = evidence_gates("glof", _raw(n, lake_missed=np.full(n, 3.0), **front))[1]
    held = evidence_gates("glof", _raw(n, lake_missed=np.full(n, 1.6), gauge_held=np.ones(n), **front))[1]
    assert not late.any() and silent.all() and held.all()


def test_a_geophone_the_flood_took_and_a_front_at_the_gauge_evacuate() -> None:
    """Independent red-team cha-2 outbursts: geo-cha triggered, died 10 min later, and the front reached gauge-cha 15-25
    min after that (a lake with no station: nothing else sees it). A geophone that died without shaking (its battery)
    and the same front is one sensor's word."""
    from glofwatch.detection.detectors.gauge_rise import FIRE_M as GAUGE_FIRE

    n = 2
    front = {"gauge": np.full(n, 2 * GAUGE_FIRE), "gauge_front": np.ones(n), "geo_has": np.ones(n),
             "down_missed": np.full(n, 12.0)}
    took = evidence_gates("glof", _raw(n, geo_died=np.ones(n), **front))[1]
    battery = evidence_gates("glof", _raw(n, **front))
    assert took.all() and not battery[0].any() and not battery[1].any()


def test_geo_died_needs_a_trigger_before_the_silence(site) -> None:  # type: ignore[no-untyped-def]
    """The feature: geo-cha shaking x30 for 10 min, then silent: 1 after three missed reports; silent without the
    shaking: 0."""
    from datetime import UTC, datetime

    import pandas as pd

    from glofwatch.detection.engine import Engine
    from glofwatch.detection.replay import load_engine
    from glofwatch.sim.day import quiet_day

    start = datetime(2026, 7, 1, tzinfo=UTC)
    df = quiet_day(site, start, hours=4.0, seed=4)
    h = (pd.to_datetime(df["time"], utc=True) - pd.Timestamp(start)).dt.total_seconds().to_numpy() / 3600
    g = ((df["station"] == "geo-cha") & (df["sensor"] == "ground_velocity")).to_numpy()
    rng = np.random.default_rng(0)

    def died(shake: bool) -> np.ndarray:
        d = df.copy()
        if shake:
            m = g & (h >= 3.0) & (h < 3.17)
            d.loc[m, "value"] = d.loc[m, "value"].astype(float) * 30.0 * rng.lognormal(0, 0.3, int(m.sum()))
        d = d[~(g & (h >= 3.17))]
        eng, ticks = load_engine(site, d)
        assert isinstance(eng, Engine)
        from glofwatch.detection.features import source_features

        src = next(s for s in eng.topology.sources if s.id == "glof:cha-2")
        t = np.array([int(pd.Timestamp("2026-07-01T03:25:00Z").value // 1_000_000)])
        return source_features(site, src, eng.states, t).raw["geo_died"]

    assert died(True).tolist() == [1.0] and died(False).tolist() == [0.0]


def test_a_dead_lake_station_and_a_burst_decaying_to_60_percent_do_not_evacuate() -> None:
    """Independent red-team fault days: a lake station dead and a geophone burst minutes later (STA/LTA 61 -> 37 -> 14
    over 4 min). Three minutes in, the burst kept 60 % of its peak; a flood's tremor grows or holds at its front."""
    n = 4
    silent = {"lake_missed": np.full(n, 2.0), "lake_has": np.ones(n), "geo_ratio": np.array([61.0, 50.0, 37.0, 14.0]),
              "geo_run": np.arange(1.0, n + 1)}
    burst = evidence_gates("glof", _raw(n, geo_hold=np.array([1.0, 0.8, 0.6, 0.23]), **silent))[1]
    flow = evidence_gates("glof", _raw(n, geo_hold=np.array([1.0, 1.0, 0.85, 1.0]), **silent))[1]
    assert not burst.any()
    assert flow.tolist() == [False, False, True, True]


def test_a_flow_tremor_in_the_storm_evacuates_whatever_the_model_says() -> None:
    """The floor: a geophone tremor that holds (growing) or lasts (sustained) in the storm evacuates even where
    the model's probability is low; a decaying impulse or dry weather does not."""
    from glofwatch.detection.fusion import GEO_GROW_MIN, FusionScorer

    n = 20
    ticks = np.arange(n) * 60_000
    geo = np.full(n, 4.5)  # just over the trigger: the model alone rates this low
    storm = {"rain_c": np.full(n, 1.2), "rain_g": np.full(n, 8.0), "rain_i1": np.full(n, 2 * STORM_ON_MM_H)}
    run = run_minutes(geo >= 4, ticks)
    held = _raw(n, geo_ratio=geo, geo_run=run, geo_hold=np.full(n, 0.9), geo_has=np.ones(n), **storm)
    floor = rule_floor("debris_flow", held)
    assert floor[run >= GEO_GROW_MIN].all() and not floor[run < GEO_GROW_MIN].any()
    entry, _stay, _p = FusionScorer().score("debris_flow", held)
    assert (entry[run >= GEO_GROW_MIN] == 4).all()
    decaying = dict(held, geo_hold=np.full(n, 0.3), geo_run=np.minimum(run, GEO_SUSTAIN_MIN - 1))
    assert not rule_floor("debris_flow", decaying).any()
    dry = dict(held, rain_c=np.zeros(n), rain_g=np.zeros(n), rain_i1=np.zeros(n))
    assert not rule_floor("debris_flow", dry).any()


def test_a_long_tremor_in_rain_below_caines_threshold_evacuates_a_burst_does_not() -> None:
    """Caine's threshold is met where the storm sits (where flows start), not always at the valley's rain gauge:
    a tremor that lasted 12 min in rain over Guzzetti's minimum, still raining, evacuates; a 10-min burst in the
    same rain does not, nor the same tremor after the rain has stopped."""
    n = 30
    ticks = np.arange(n) * 60_000
    geo = np.full(n, 20.0)
    weak = {"rain_c": np.full(n, 0.7), "rain_g": np.full(n, 5.0), "rain_i1": np.full(n, 2 * STORM_ON_MM_H)}
    raw = _raw(n, geo_ratio=geo, geo_run=run_minutes(geo >= 4, ticks), **weak)
    evac = evidence_gates("debris_flow", raw)[1]
    floor = rule_floor("debris_flow", raw)
    assert (evac == floor).all() and evac[raw["geo_run"] >= GEO_SUSTAIN_MIN].all()
    assert not evac[raw["geo_run"] < GEO_SUSTAIN_MIN].any()
    burst = np.where(np.arange(n) < 10, 120.0, 1.0)
    raw_b = _raw(n, geo_ratio=burst, geo_run=run_minutes(burst >= 4, ticks), **weak)
    assert not evidence_gates("debris_flow", raw_b)[1].any()
    stopped = dict(raw, rain_i1=np.zeros(n))
    assert not evidence_gates("debris_flow", stopped)[1].any()


def test_a_held_gauge_front_in_rain_below_caines_threshold_evacuates_while_it_rains() -> None:
    """The same locality: rain over Guzzetti's minimum at the gauge, still raining, with a front held by a second,
    moving reading evacuates; without rain, or after it stopped, it does not."""
    n = 3
    front = {"gauge": np.full(n, 1.2), "gauge_front": np.ones(n), "gauge_held": np.ones(n)}
    rain = {"rain_c": np.full(n, 0.8), "rain_g": np.full(n, 5.0)}
    wet = _raw(n, rain_i1=np.full(n, 2 * STORM_ON_MM_H), **front, **rain)
    assert evidence_gates("debris_flow", wet)[1].all() and rule_floor("debris_flow", wet).all()
    assert not evidence_gates("debris_flow", _raw(n, rain_i1=np.full(n, 0.5), **front, **rain))[1].any()
    assert not evidence_gates("debris_flow", _raw(n, **front))[1].any()


def test_a_held_gauge_front_as_the_storm_tapers_off_evacuates_until_the_rain_stops() -> None:
    """The last hour under Guzzetti's 1-h minimum (2.0 mm) but the last 3 hours over his 3-h minimum (1.36 mm/h):
    the storm is still on (a blind red-team debris flow's 0.85 m front came then); once no rain falls it is over."""
    n = 3
    front = {"gauge": np.full(n, 1.2), "gauge_front": np.ones(n), "gauge_held": np.ones(n)}
    rain = {"rain_c": np.full(n, 0.7), "rain_g": np.full(n, 5.0), "rain_i3": np.full(n, 3.0)}
    tapering = _raw(n, rain_i1=np.full(n, 2.0), **front, **rain)
    assert evidence_gates("debris_flow", tapering)[1].all() and rule_floor("debris_flow", tapering).all()
    over = _raw(n, rain_i1=np.zeros(n), **front, **rain)
    assert not evidence_gates("debris_flow", over)[1].any() and not rule_floor("debris_flow", over).any()


def test_a_fall_back_to_the_lake_s_level_with_a_geophone_burst_does_not_evacuate() -> None:
    """Our simulator's fault day: lake-cha-1 glitched 2.7 m high, then "fell" 5.4 m back to its level, while a burst
    shook geo-cha. A fall with a downstream sign evacuates only where it leaves the lake under its 3-hour level."""
    n = 2
    both = {"drop": np.full(n, 5.3), "drop_cap": np.full(n, 6.5), "lake_has": np.ones(n), "geo_ratio": np.full(n, 23.0)}
    back = evidence_gates("glof", _raw(n, below=np.zeros(n), **both))[1]
    under = evidence_gates("glof", _raw(n, below=np.full(n, 1.0), **both))[1]
    assert not back.any() and under.all()


def test_a_geophone_burst_with_a_gauge_front_opens_the_outburst_gate_only_once_the_tremor_outlasts_a_burst() -> None:
    """A flood passes the geophone 7 km above the gauge, shaking it 12 min and more before its front reaches the gauge; a
    burst (rockfall, a logger) while a gauge glitches is two faults, and the pair alone does not let an outburst evacuate.
    Its lake's station shows it 0.1 m under its 3-hour level; one showing it standing rules that lake out: the valley's
    debris flow shook the geophone (the network study's geophone on cak-1's path)."""
    n = 20
    ticks = np.arange(n) * 60_000
    geo = np.full(n, 12.0)
    front = {"gauge": np.full(n, 1.6), "gauge_front": np.ones(n), "geo_has": np.ones(n), "lake_has": np.ones(n),
             "drop_cap": np.full(n, 5.0), "below": np.full(n, 0.1)}
    raw = _raw(n, geo_ratio=geo, geo_run=run_minutes(geo >= 4, ticks), **front)
    warn, evac = evidence_gates("glof", raw)
    assert warn.all()
    assert np.flatnonzero(evac).tolist() == list(range(int(GEO_SUSTAIN_MIN) - 1, n))  # from the 12th minute of the tremor
    # (each raw built anew: _unwatched memoises itself in the raw it is asked of)
    standing = _raw(n, geo_ratio=geo, geo_run=run_minutes(geo >= 4, ticks), **dict(front, below=np.zeros(n)))
    assert not evidence_gates("glof", standing)[1].any()  # its station shows it standing
    nobody = _raw(n, geo_ratio=geo, geo_run=run_minutes(geo >= 4, ticks),
                  **dict(front, below=np.zeros(n), lake_has=np.zeros(n)))  # no station (cha-2): the pair is all there is
    assert np.flatnonzero(evidence_gates("glof", nobody)[1]).tolist() == list(range(int(GEO_SUSTAIN_MIN) - 1, n))


def test_a_roaring_tremor_evacuates_in_its_storms_first_hour_drumming_does_not() -> None:
    """In a storm's first hour under Caine's threshold at the rain gauge (storm_just_began) the geophone's drumming and
    the river's first flush are no flow; a tremor FLOW_ROAR times its last hour that lasted 12 min is one (the fourth
    red-team generator's cells over a torrent, 25-50 mm/h there and 2-6 mm in the hour at the valley's gauge)."""
    from glofwatch.detection.fusion import FLOW_ROAR

    n = 20
    ticks = np.arange(n) * 60_000
    first_hour = {"rain_c": np.full(n, 0.3), "rain_g": np.full(n, 2.0), "rain_i1": np.full(n, 4.4),
                  "rain_i30": np.full(n, 3.0), "rain_before": np.zeros(n), "rain_wet": np.zeros(n)}

    def evac(ratio: float) -> np.ndarray:
        geo = np.full(n, ratio)
        raw = _raw(n, geo_ratio=geo, geo_run=run_minutes(geo >= 4, ticks), geo_hold=np.full(n, 0.9),
                   geo_has=np.ones(n), **first_hour)
        return evidence_gates("debris_flow", raw)[1]

    roar = evac(FLOW_ROAR + 5)
    assert roar.any() and (run_minutes(np.ones(n, dtype=bool), ticks)[roar] >= GEO_SUSTAIN_MIN).all()
    assert not evac(FLOW_ROAR / 2).any()  # drumming: as strong a tremor as storms make, for as long


def test_a_tremor_built_up_to_a_roar_in_the_rain_evacuates_before_its_twelfth_minute_a_burst_does_not() -> None:
    """Rain under Caine's threshold at the valley's gauge (the cell sits over the torrent): a tremor that crossed the
    trigger low and built up to FLOW_ROAR times its last hour, holding, evacuates at its ROAR_RUN_MIN-th minute, not its
    twelfth; a rockfall burst as strong, starting at its peak (geo_onset 300), does not. (Sooner than ROAR_RUN_MIN, a
    geophone drifting up linearly would: test_gauge_glitches' drift test.)"""
    from glofwatch.detection.fusion import FLOW_ROAR, ROAR_RUN_MIN

    n = 11
    ticks = np.arange(n) * 60_000
    rain = {"rain_c": np.full(n, 0.45), "rain_g": np.full(n, 3.0), "rain_i1": np.full(n, 2 * STORM_ON_MM_H)}
    ratio = np.minimum(5.0 + 5.0 * np.arange(n), FLOW_ROAR + 10)  # crosses the trigger at 5, a roar by the 4th minute
    run = run_minutes(ratio >= 4, ticks)
    built = _raw(n, geo_ratio=ratio, geo_run=run, geo_hold=np.full(n, 0.9), geo_onset=np.full(n, 5.0),
                 geo_has=np.ones(n), **rain)
    evac = evidence_gates("debris_flow", built)[1]
    assert evac.any() and int(np.flatnonzero(evac)[0]) == ROAR_RUN_MIN - 1 and (run[evac] < GEO_SUSTAIN_MIN).all()
    assert rule_floor("debris_flow", built)[int(ROAR_RUN_MIN) - 1:].all()
    burst = dict(built, geo_onset=np.full(n, 300.0), geo_ratio=np.full(n, 300.0))
    assert not evidence_gates("debris_flow", burst)[1].any()


def test_a_held_front_over_a_first_flush_evacuates_in_its_storms_first_hour_a_flush_sized_one_does_not() -> None:
    """In a storm's first hour under Caine's threshold (storm_just_began) the river's first flush steps it 0.3-1 m; a held
    front of FLUSH_MAX_M or more is a flow (holdout red-team flows of Cholpon-Ata, 1-2.4 m under 2-5 mm in the hour)."""
    from glofwatch.detection.fusion import FLUSH_MAX_M

    n = 3
    first_hour = {"rain_c": np.full(n, 0.3), "rain_g": np.full(n, 2.0), "rain_i1": np.full(n, 4.6),
                  "rain_i30": np.full(n, 2.0), "rain_before": np.zeros(n), "rain_wet": np.zeros(n), "geo_has": np.ones(n)}

    def evac(step: float, site_flush: float = 0.0) -> np.ndarray:
        raw = _raw(n, gauge=np.full(n, step + 0.2), gauge_front=np.ones(n), gauge_held=np.ones(n),
                   gauge_step=np.full(n, step), gauge_stair=np.full(n, step), flush_max=np.full(n, site_flush),
                   **first_hour)
        return evidence_gates("debris_flow", raw)[1] & rule_floor("debris_flow", raw)

    assert evac(FLUSH_MAX_M + 0.4).all()
    assert not evac(FLUSH_MAX_M - 0.3).any()  # a first flush's size: held back as before
    # a gauge whose flushes the site says stay under 0.65 m (flush_step_m): a held 0.7 m front there is a flow
    assert evac(FLUSH_MAX_M - 0.3, site_flush=0.65).all()
    assert not evac(0.6, site_flush=0.65).any()


def test_the_site_sets_a_gauges_first_flush_and_the_source_reads_it() -> None:
    """stations[].flush_step_m reaches the flow sources of its path as features' flush_max (0: the default); the demo
    site's Cholpon-Ata gauge sets 0.65 m, Chong-Ak-Suu's keeps fusion's default."""
    from glofwatch.detection.features import flush_max
    from glofwatch.detection.sources import Topology
    from glofwatch.site import load_site

    site = load_site(None)
    by_id = {s.id: s for s in Topology(site).sources}
    assert flush_max(site, by_id["debris_flow:cholpon-ata"]) == 0.65
    assert flush_max(site, by_id["debris_flow:chong-ak-suu"]) == 0.0
