"""Per-source evidence at each tick, as plain numpy arrays (vectorised over ticks: replay speed).

For each :class:`~glofwatch.detection.sources.Source` and each tick, the raw features the scorers
(fusion model, thresholds baseline) read. Stale sensors (no reading for three intervals) contribute
nothing but their silence. Names and meaning:

==============  ===================================================================================
drop, drop2     CUSUM fall (m) at the source's lake stations (drop2: confirmed by two readings;
fall            fall: > 0 while the level is still falling; below: under the 3-h median level (m));
                drop_cap: largest physical fall in
                one interval (Huggel 2002 upper-bound drawdown)
drop_sink       how far the lake sank under its 3-hour median, falling reading after reading (level_drop's sink)
drop_held       the lowest CUSUM fall over the last level_drop.HELD_N readings, before the allowance (a fall the lake keeps)
drop_quicken    how far the lake stands under its 3-hour median where its fall quickened quarter hour by quarter hour
                over the last 45 min, the hour's readings bending downward (level_drop's quicken; 0 elsewhere)
drop_stood      how far all readings since a one-reading fall 15 min to 2 h ago stand under the level before it, at most the
                fall (m; level_drop's stood: a lake that fell and has stood lower since)
drop_before     how far all of the last level_drop.HELD_N readings stand under the level the lake stood at before them (m;
                level_drop's before: a fall from a lake that had been rising, whose 3-hour median lags far under it)
lake_missed     missed reporting intervals of the lake station (0 when it has none or never reported, or when its battery
                was flat before it fell silent: :func:`battery_flat`; so for every *_missed)
lake_has        1 when the source has a lake station
lake_slide      how far the lake's 30-min median level slid in 2 h, lower every half hour (m; level_slide's slide: a
                slow drainage or a drifting sensor)                  [watch precursor]
lake_blind      1 when the lake stations' level sensors gave no usable reading for BLIND_MISSED intervals (a dead
                transducer sending NaN while the station reports: :func:`lake_blind`)
fell_last       how far the lake station's last two readings stood under its 3-hour median by a fall faster than a
                drift (m; level_drop's fell2 at its newest reading however old: what it said before it fell silent)
fell1_last      how far the lake station's last reading alone stood under its 3-hour median by a fall the CUSUM counts
                (m; level_drop's fell1 at its newest reading however old)
stepped_last    how far the lake station's readings since a one-reading fall, up to its last, stood under the level before
                the fall, at most the fall (m; level_drop's stepped at its newest reading however old)
drop_step_kept  the same as drop_stood for a fall 5 min to 2 h ago: at least the reading after the fall stood under the
                level before it (m; level_drop's kept)
drop_speeding   the fall (m) of the lake's last three readings where each fell at least as much as the one before, the last by
                level_drop.SPEED_LAST_M to SPEED_MAX_M (level_drop's speeding; 0 elsewhere)
lake_rescaled   the largest one-reading move by a unit factor (m <-> cm, mm), down or up, of the lake's level in the last
                6 h (m; level_drop's rescaled). Over drop_cap, the lake's fall features (RESCALED_VOIDS) read 0:
                :func:`void_rescaled`
lake_swing_last the range of the lake's level over the half hour up to the lake station's newest reading however old (m;
                level_drop's swing): what a wave through the lake did before the station fell silent (fusion.wave_then_silent)
lake_wave       the crest (m over the calm lake before it) of a wave seen whole at the lake station within the last hour: a
                sudden rise, then two readings falling back (level_drop's wave: an avalanche or a landslide into the lake;
                fusion.wave_through_lake)
lake_silent_min minutes since the lake station's newest reading (uncapped; 0 where it never reported)
gauge_since_silent how far a path gauge rose since the flood that silenced the lake station could first reach it (m;
                :func:`rise_since_silent`; 0 while the station reports)
gauge_travel_min minutes the fastest wave (impact.SPEED_MS) takes from the lake to the first gauge of its path (NaN: none)
sib_drop        CUSUM fall at the sibling lakes of the valley (explains the wave away from this lake)
sib_missed      missed intervals at sibling lake stations
geo_ratio       largest geophone STA/LTA on the path (geo_has: 1 when the path has a geophone)
geo_run         minutes the path's geophones have been triggered without a break (a flow's tremor
                lasts tens of minutes; rockfall, a quake or a vehicle a few)
gauge_dep       largest departure (m) of two readings of a path gauge above its extrapolated 3-hour trend,
                where it is gauge_rise.DEP_Z times the fit's scatter (gauge_rise's dep_ok; 0 elsewhere)
geo_lift        largest 10-min median ground velocity over its background of 2-3 h before, at a path
                geophone that triggered within the last 3 h, the lowest of the last 15 min (sta_lta's
                lift_held; 0 elsewhere)
geo_lift_long   geo_lift's lowest over sta_lta.LIFT_LONG_MS (35 min; sta_lta's lift_long): a flood passing for over half
                an hour
geo_recent      1 where geo_lift > 0
geo_hold        STA now / largest STA of the last 15 min at the triggered geophone (sta_lta's hold): near
                1 while a flow's tremor grows or holds, falling as an impulse (rockfall, a quake) decays
gauge           largest gauge rise (m) on the path (gauge_front: 1 where a gauge saw a front, see
                gauge_rise.JUMP_M, and not a frozen sensor coming back: gauge_rise's thaw)
gauge_held      1 where a gauge that saw a front has its last two readings >= gauge_rise.FIRE_M above
                its 3-hour median (the front confirmed by a second reading)
down_missed     missed intervals of the path's stations (a wave destroys them too)
gauge_died      1 where a gauge of the path whose newest reading was a front (gauge_rise's front) missed GAUGE_DIED_MISSED
                reports since, silent for at most GAUGE_DIED_MAX_MIN: the flow that stepped it took it
geo_died        1 where a geophone of the path missed GEO_DIED_MISSED reports after its STA/LTA triggered within the 3 h
                before its last reading, silent for at most GEO_DIED_MAX_MIN: the flood it felt took it
rain_c, rain_g  rainfall intensity-duration over Caine (1980) / Guzzetti (2008) thresholds
rain_i1         rain of the last hour (mm/h): is the storm still on? (rain_c stays up for hours after it)
rain_i3         mean rain of the last 3 hours (mm/h)
rain_i6         mean rain of the last 6 hours (mm/h): a storm's runoff still swells a river hours after the rain
rain_i30        mean rain of the last 30 min (mm/h): at or under rain_i1, the rain is not bursting now
                (fusion.front_between_bursts); infinite (unknown) where a rain gauge missed a reading of it
rain_before     rain (mm) of the 2 hours before the last one at the wettest weather station of the whole site (a
                storm may have begun at another station first): has the storm just begun? (fusion.storm_just_began)
rain_wet        rain (mm) of the 5 hours before the last one at the wettest weather station of the site: a storm that
                tapered off and drizzles again has not just begun (fusion.storm_just_began)
rain_eased_all  where the valley borrows its rain: 1 where the rain has eased at every weather station of the site (the
                last hour under fusion.EASED_MM_H and under the 3-hour mean: fusion.eased), else 0; NaN elsewhere
rain_far        1 when the valley has no weather station of its own (rain_* are a neighbour valley's)
geo_creep       largest sta_lta creep on the path (ground shaking grown every hour for 3 h: a slow flood)
gauge_climb     largest gauge_rise climb on the path (m the river rose over 2 h, rising every hour)
gauge_far_climb the same at the other valleys' gauges (Source.neighbour_gauges): a rise of every river at once is the
                weather's (rain on snow, a warm spell's melt), not a lake's
gauge_swell     largest gauge_rise swell on the path (m the river rose over 3 h, rising every hour)
gauge_kept      1 where a path gauge's front stood gauge_rise.KEPT_N readings (gauge_rise's kept), or receded as a
                flood's hydrograph tails off (gauge_rise's tail)
gauge_seq       height (m) of a gauge surge (gauge_rise's surge) that a geophone above it saw coming: its STA/LTA
                reached SEQ_RATIO within the travel time of a wave at 2-10 m/s (impact.SPEED_MS) before (gauge_seq)
gauge_stair     height (m) of a front over one or two readings that the next one holds at a path gauge (gauge_rise's
                stair; 0 elsewhere): read against the valley's measured rain (fusion.unexplained_front)
gauge_stair_sat the same where a two-reading front's crest may sit (gauge_rise's stair_sat; fusion.front_between_bursts)
gauge_pulse     height (m) of a small flood wave passing a path gauge: a step from a river at rest, then receding
                reading after reading (gauge_rise's pulse; 0 elsewhere)
gauge_pulse_pair the same where the wave's front rose over two readings (gauge_rise's pulse_pair)
gauge_kick      height (m) of a surge on a rising limb at a path gauge: a step twice the limb's last steps onto a river
                its storm's runoff had lifted, kept at the next reading or receding over the next two (gauge_rise's
                kick; 0 elsewhere)
gauge_lift      height (m) of a small step that stood at a path gauge: a step from a river at rest whose KEPT_N readings
                all stand over the readings before it (gauge_rise's lift; 0 elsewhere): water let go upstream
gauge_lift_small the same for a smaller step (gauge_rise's lift_small): a warning (fusion.stepped_dry)
geo_onset       the path geophones' STA/LTA at the first minute of their current trigger, while it is at most
                ONSET_RUN_MAX_MIN old (else 0): a flood's tremor builds over minutes and crosses the trigger low; a
                burst or a stepping channel starts at its peak (fusion.flood_passing)
gauge_step      height (m) of a front against a path gauge's own river (gauge_rise's step_front; 0 elsewhere)
gauge_step_pre  where gauge_step fires, the river's rise over its 3-hour median just before the step (gauge_rise's
                step_pre, m): the runoff of a storm over the catchment before the front (fusion.runoff_front)
gauge_step_on   where gauge_step fires, how far the holding reading rose on from the step's (gauge_rise's step_on, m;
                0 where it receded)
flush_max       the largest step a storm's first flush makes at the path gauges (m; the site's flush_step_m, the
                smallest of them; 0 where none sets it: fusion.FLUSH_MAX_M then), constant (fusion.over_flush)
freeboard       spillway level minus lake level (m; NaN unknown)       [watch precursor]
rise6h          lake rise over 6 h (m)                                  [watch precursor]
t_lake          24-h mean air temperature moved to the lake (°C; NaN)   [watch precursor]
==============  ===================================================================================
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from glofwatch.detection.detectors.sta_lta import FIRE_RATIO
from glofwatch.detection.detectors.station_silent import StationSilent
from glofwatch.detection.detectors.warm_spell import LAPSE_K_PER_M
from glofwatch.detection.fusion import eased
from glofwatch.detection.impact import SPEED_MS
from glofwatch.detection.series import NOT_SEEN, SensorState, rank_right
from glofwatch.detection.sources import Source
from glofwatch.site.model import Site
from glofwatch.telemetry.maintenance import inside, last_end

RAW = ("drop", "drop2", "fall", "below", "drop_cap", "lake_missed", "lake_has", "sib_drop", "sib_missed", "geo_ratio", "gauge",
       "gauge_front", "down_missed", "rain_c", "rain_g", "freeboard", "rise6h", "t_lake", "geo_has", "geo_run",
       "rain_i1", "gauge_held", "geo_hold", "gauge_dep", "geo_recent", "geo_lift", "rain_i3", "rain_far", "gauge_step",
       "gauge_kept", "geo_creep", "gauge_climb", "drop_held", "drop_sink", "gauge_seq", "gauge_stair",
       "gauge_swell", "rain_i6", "rain_before", "rain_wet", "rain_eased_all", "fell_last", "fell1_last", "lake_silent_min",
       "geo_lift_long", "geo_died", "gauge_pulse", "gauge_pulse_pair", "gauge_travel_min", "drop_before", "gauge_died",
       "drop_quicken", "rain_i30", "gauge_stair_sat", "gauge_lift", "gauge_lift_small", "geo_onset", "stepped_last", "drop_stood",
       "drop_step_kept", "drop_speeding", "lake_blind", "lake_slide",
       "gauge_since_silent", "lake_rescaled", "gauge_far_climb", "gauge_step_pre",
       "gauge_step_on", "lake_swing_last", "flush_max", "lake_wave", "gauge_kick")
MAX_MISSED = 12.0
SINCE_MAX_MS = 3 * 3_600_000  # gauge_since_silent looks this far back at most
SILENT_SINCE_MISSED = 3.0  # the lake station's silence from which gauge_since_silent is measured (fusion's LAKE_SILENT_MISSED)
BLIND_MISSED = 3.0  # a level sensor with no usable reading for this many intervals watches nothing (lake_blind)
# geo_onset is looked up for triggers at most this old (minutes): the rule reads it at 8-12 min, and a live buffer keeps
# 2 hours, so that live and replay look up the same readings
ONSET_RUN_MAX_MIN = 15.0
# a station whose battery read under BATTERY_FLAT_V, or BATTERY_SAG_V under the reading before, at most BATTERY_RECENT_MS
# before its last report fell silent for want of power (battery_flat). A 12 V lead-acid battery at rest reads 12.4-12.8 V
# charged and about 11.8 V nearly empty; loggers cut out at 10.5-11.5 V. On 1 800 development no-hazard days of the three
# generators, lake stations' batteries never read under 11.83 V nor fell more than 0.72 V in an hour but in a dropout
# (telemetry.health's BATTERY_LOW_V, 11.8 V, flags a battery for the duty officer a little before this)
BATTERY_FLAT_V = 11.7
BATTERY_SAG_V = 0.8
BATTERY_RECENT_MS = 2 * 3_600_000
# the rain of the last 30 min describes a tick only while the gauge's newest reading is at most this many intervals old
RAIN_RECENT_INTERVALS = 1.5
# a geophone silent this many reports after it triggered (geo_died), for at most this long: independent red-team cha-2
# outbursts shook geo-cha, destroyed it 10 min later, and their front reached gauge-cha 15-25 min after that
GEO_DIED_MISSED = 3.0
GEO_DIED_MAX_MIN = 180.0
# a gauge whose newest reading was a front (gauge_rise's front), then silent this many reports (one minute late for a
# 5-min gauge), for at most this long (gauge_died): the flow took it. A glitch does not kill its sensor
GAUGE_DIED_MISSED = 1.2
GAUGE_DIED_MAX_MIN = 30.0
# a geophone's STA/LTA this high (under its trigger, FIRE_RATIO) before a gauge surge below it, in the wave's travel time:
# blind red-team debris flows in long storms shook geo-cha to 3.1-3.9 over the rain's drumming (2-2.9 in the storm's
# hours before), then stepped gauge-cha by 0.3-0.6 m half an hour later
SEQ_RATIO = 3.0


RunCarry = tuple[int, bool]  # geo_run's state between evaluations: (tick, running): a run's start, or the last tick off


@dataclass
class SourceFeatures:
    """Raw features of one source at the ticks, and per downstream station whether its detector fired."""

    raw: dict[str, np.ndarray]
    fired: list[tuple[str, float, np.ndarray]]  # (station, chainage km, fired at tick)
    geo_off: RunCarry | None = None  # geo_run's state carried to the next evaluation (last_off_tick)


# the lake's fall features: what a level reported in another unit makes up (void_rescaled)
RESCALED_VOIDS = ("drop", "drop2", "fall", "below", "drop_held", "drop_before", "drop_sink", "drop_quicken", "lake_slide",
               "fell_last", "fell1_last", "drop_stood", "stepped_last", "drop_step_kept", "drop_speeding", "lake_swing_last",
               "lake_wave")


def void_rescaled(raw: dict[str, np.ndarray]) -> None:
    """Zero the lake's fall features (RESCALED_VOIDS) for 6 h after its level moved by a unit factor (level_drop's
    unit_change), down or up, more in one reading than the lake can fall in one interval (``drop_cap``, Huggel's upper
    bound): the logger reports in centimetres or millimetres for a while, or has just come back to metres (the
    crosscheck red-team generator's ``wrong_unit``: cha-1 at -0.11 m read -11 m for two hours, and that "10.9 m fall" with
    a passing truck at geo-cha evacuated Cholpon-Ata on a quiet day). The rules the lake's falls feed stay quiet; the
    geophone, the gauges and the lake station's silence still speak."""
    cap = raw["drop_cap"]
    off = (cap > 0) & (raw["lake_rescaled"] > cap)
    if off.any():
        for k in RESCALED_VOIDS:
            raw[k] = np.where(off, 0.0, raw[k])


def flush_max(site: Site, src: Source) -> float:
    """The largest step (m) a storm's first flush makes at the source's path gauges, as the site sets it (stations'
    ``flush_step_m``; the smallest where several do), 0 where none does (fusion's default then)."""
    steps = [site.station_by_id[st].flush_step_m for st, _ in src.downstream]
    steps = [s for s in steps if s]
    return float(min(steps)) if steps else 0.0


def drop_cap(site: Site, src: Source) -> float:
    """The largest level fall (m) the source lake can make in one reporting interval of its station.

    Huggel et al. (2002) upper bound of an outburst's peak discharge, Qp = 2V / 1000 s, over the lake
    area (volume from area by Huggel's V = 0.104 A^1.42 when the site gives none), over one interval.
    0 when the lake's area is unknown (no single-reading evacuation then).
    """
    lake = site.lake_by_id.get(src.lake) if src.lake else None
    if lake is None or not lake.area_m2 or not src.lake_stations:
        return 0.0
    vol = lake.volume_m3 or 0.104 * lake.area_m2 ** 1.42
    interval = min(site.station_by_id[s].report_interval_s for s in src.lake_stations)
    return float(2.0 * vol / 1000.0 / lake.area_m2 * interval)


def run_minutes(on: np.ndarray, ticks: np.ndarray, last_off: RunCarry | None = None) -> np.ndarray:
    """Minutes ``on`` has held without a break at each tick (0 where it is off), counted from the last tick where it was
    off, but from at most one grid step before its first tick on: inside a geophone's gap the ticks are other sensors'
    (5-10 min apart), and those minutes were not shaken (a rockfall after a dead hour was credited with 5 of them).
    ``last_off``: what the evaluation before these ``ticks`` carried (:func:`last_off_tick`; live evaluates a few ticks
    a call, and the run must not restart with each call), None before the first: a run on at the first tick ever counts
    from one grid step before it."""
    if len(ticks) == 0:
        return np.zeros(0)
    idx = np.where(on, -1, np.arange(len(ticks)))
    last = np.maximum.accumulate(idx)
    first_on = ticks[np.clip(last + 1, 0, len(ticks) - 1)]
    since = np.where(last >= 0, np.maximum(ticks[np.clip(last, 0, None)], first_on - RUN_STEP_MS), _run_start(last_off, ticks))
    return np.where(on, (ticks - since) / 60_000.0, 0.0)


def _run_start(carried: RunCarry | None, ticks: np.ndarray) -> int:
    """Where a run that is on at ``ticks[0]`` counts from, given what the evaluation before carried."""
    if carried is None:
        return int(ticks[0]) - 60_000  # on since the first tick ever
    tick, running = carried
    return tick if running else max(tick, int(ticks[0]) - RUN_STEP_MS)


def last_off_tick(on: np.ndarray, ticks: np.ndarray, last_off: RunCarry | None) -> RunCarry | None:
    """What to carry into the next evaluation after these ``ticks`` (its ``last_off``): the start of a run on at the
    last tick, or the last tick, off."""
    n = len(ticks)
    if n == 0:
        return last_off
    off = np.flatnonzero(~on)
    if len(off) and off[-1] == n - 1:
        return int(ticks[-1]), False
    if len(off):
        k = int(off[-1])
        return max(int(ticks[k]), int(ticks[k + 1]) - RUN_STEP_MS), True
    return _run_start(last_off, ticks), True  # on all along


RUN_STEP_MS = 60_000  # the engine's tick grid (engine.GRID_MS): a run is credited at most this before its first tick on


def _by_station(states: dict[int, SensorState]) -> dict[str, list[SensorState]]:
    out: dict[str, list[SensorState]] = {}
    for s in states.values():
        out.setdefault(s.station.id, []).append(s)
    return out


def last_seen(by_station: dict[str, list[SensorState]], stations: tuple[str, ...] | list[str], ticks: np.ndarray) -> np.ndarray:
    """The newest reading of any of ``stations`` at or before each tick (NOT_SEEN where none)."""
    last = np.full(len(ticks), NOT_SEEN, dtype=np.int64)
    for st in stations:
        for s in by_station.get(st, []):
            last = np.maximum(last, s.last_seen(ticks))
    return last


def station_missed(site: Site, by_station: dict[str, list[SensorState]], station: str, ticks: np.ndarray, *,
                   explained: bool = False) -> np.ndarray:
    """Missed reporting intervals of ``station`` at each tick (at most MAX_MISSED). ``explained``: 0 where its battery was
    flat before it fell silent (:func:`battery_flat`): a power failure is no sign of a flood."""
    last = last_seen(by_station, [station], ticks)
    missed = np.minimum(StationSilent.missed(site.station_by_id[station], last, ticks), MAX_MISSED)
    if explained:
        late = np.flatnonzero(missed >= 1.0)  # the battery is read only where the station missed a report
        if len(late):
            flat = ~np.isnan(battery_flat(by_station, station, ticks[late], last[late]))
            if flat.any():
                missed = missed.copy()
                missed[late[flat]] = 0.0
    return missed


def lake_watched(by_station: dict[str, list[SensorState]], stations: tuple[str, ...] | list[str],
                 ticks: np.ndarray) -> np.ndarray:
    """``lake_has``: 1 where the source has a lake station whose level sensor is not in maintenance at the tick (a lake
    whose only station is being worked on is watched by nobody for that while: the rules for unwatched lakes read the
    river below it, as for a lake with no station)."""
    out = np.full(len(ticks), 1.0 if stations else 0.0)
    levels = [s for st in stations for s in by_station.get(st, []) if s.sensor.id == "water_level"]
    if levels and all(len(s.maint) for s in levels):
        away = np.ones(len(ticks), dtype=bool)
        for s in levels:
            away &= inside(ticks, s.maint)
        out[away] = 0.0
    return out


def lake_blind(by_station: dict[str, list[SensorState]], stations: tuple[str, ...] | list[str],
               ticks: np.ndarray) -> np.ndarray:
    """``lake_blind``: 1 where the source's lake stations have level sensors, each of which gave a usable reading once
    and none for BLIND_MISSED of its intervals since, while its station reports on (a dead transducer sends empty
    values: the station is alive and watches nothing); 0 elsewhere, before a first usable reading (as ``lake_missed``
    before a first report), and where the station itself fell silent (``lake_missed`` tells that, and a flat battery
    explains it away: :func:`station_missed`)."""
    levels = [(st, s) for st in stations for s in by_station.get(st, []) if s.sensor.id == "water_level"]
    if not levels:
        return np.zeros(len(ticks))
    blind = np.ones(len(ticks), dtype=bool)
    for st, s in levels:
        limit = BLIND_MISSED * 1000.0 * (s.sensor.interval_s or 300)
        u = s.use_t
        if not len(ticks) or (len(u) and u[0] <= ticks[0] and ticks[-1] - u[-1] <= limit and
                              not (np.diff(u) > limit).any() and not len(s.maint)):
            return np.zeros(len(ticks))  # usable readings all along, none far apart: nowhere blind (replay speed)
        idx, _ = s.as_of(ticks)
        ok = idx >= 0
        age = np.zeros(len(ticks))
        age[ok] = ticks[ok] - s.use_t[idx[ok]]
        if len(s.maint):  # after a maintenance window, nothing usable since its end: blind from then (a new mounting
            ended = last_end(ticks, s.maint)  # that sends nothing watches nothing)
            after = ~ok & (ended > np.iinfo(np.int64).min)
            age[after] = ticks[after] - ended[after]
            ok |= after
        blind &= ok & (age > limit)
        if blind.any():  # rare: the station's other sensors are read only where the level sensor has gone quiet
            blind &= ticks - last_seen(by_station, [st], ticks) <= limit
    return blind.astype(float)


def battery_flat(by_station: dict[str, list[SensorState]], station: str, ticks: np.ndarray,
                 last: np.ndarray | None = None) -> np.ndarray:
    """The station's battery voltage where its newest reading at each tick (however old) said the battery was flat, NaN
    elsewhere: under BATTERY_FLAT_V, or BATTERY_SAG_V under the reading before, and at most BATTERY_RECENT_MS before the
    station's newest report of any sensor (``last``: :func:`last_seen`). A station that falls silent after that lost
    its power, not to a flood: a flood takes a station whose battery was as charged as ever. Battery dropouts of all
    three generators sag the battery first (to 10.2-11.6 V) as real ones do."""
    out = np.full(len(ticks), np.nan)
    if last is None:
        last = last_seen(by_station, [station], ticks)
    for s in by_station.get(station, []):
        if s.sensor.id != "battery" or not len(s.use_t):
            continue
        idx, _ = s.as_of(ticks)  # the newest usable reading at or before each tick, however old
        ok = idx >= 0
        j = np.maximum(idx, 0)
        v = s.use_v[j]
        prev = np.where(idx >= 1, s.use_v[np.maximum(idx - 1, 0)], np.nan)
        with np.errstate(invalid="ignore"):
            flat = ok & ((v < BATTERY_FLAT_V) | (prev - v >= BATTERY_SAG_V)) & (last - s.use_t[j] <= BATTERY_RECENT_MS)
        out = np.where(flat, v, out)
    return out


def _max_feature(by_station: dict[str, list[SensorState]], stations: tuple[str, ...] | list[str], det: str, name: str,
                 ticks: np.ndarray, default: float = 0.0, *, last: bool = False) -> np.ndarray:
    out: np.ndarray | None = None  # (no np.full to start from: one array fewer a call, replay speed)
    for st in stations:
        for s in by_station.get(st, []):
            if det in s.feats:
                f = s.feature(det, name, ticks, default, last=last)
                out = np.maximum(f, default) if out is None else np.maximum(out, f)
    return np.full(len(ticks), default) if out is None else out


def _half_hour_rain(by_station: dict[str, list[SensorState]], stations: tuple[str, ...] | list[str],
                    ticks: np.ndarray) -> np.ndarray:
    """The largest rain of the last 30 min (rainfall's i30m, mm/h) of the stations at the ticks; infinite (unknown) where a
    rain gauge's newest reading is more than RAIN_RECENT_INTERVALS old: its last half hour says nothing of the tick's
    (SensorState.feature keeps a reading fresh for three intervals, right for the hour's rain, not for the burst now)."""
    out = np.zeros(len(ticks))
    for st in stations:
        for s in by_station.get(st, []):
            if "rainfall" not in s.feats:
                continue
            v = s.feature("rainfall", "i30m", ticks, np.inf)  # infinite too where the gauge never reported
            if len(s.use_t):
                idx, _ = s.as_of(ticks)
                recent = (idx >= 0) & (ticks - s.use_t[np.maximum(idx, 0)] <= RAIN_RECENT_INTERVALS * 1000 * s.sensor.interval_s)
                v = np.where(recent, v, np.inf)
            out = np.maximum(out, v)
    return out


def rise_since_silent(site: Site, src: Source, by_station: dict[str, list[SensorState]], ticks: np.ndarray,
                      lake_missed: np.ndarray) -> np.ndarray:
    """``gauge_since_silent``: where the lake station is silent (``lake_missed`` >= SILENT_SINCE_MISSED), how far each
    path gauge's stage has risen since the earliest time the flood that silenced the station could have reached it (its
    last report plus the fastest wave's travel, impact.SPEED_MS, or SINCE_MAX_MS ago where that is older); the largest
    (m; 0 elsewhere, and before that time).
    A river that rose before then (a stuck channel's catch-up, a melt pulse) did not rise for that flood."""
    out = np.zeros(len(ticks))
    on = np.flatnonzero(lake_missed >= SILENT_SINCE_MISSED)
    if not len(on) or not src.lake_stations:
        return out
    t = ticks[on]
    last = last_seen(by_station, src.lake_stations, t)
    for st, km in src.downstream:
        if site.station_by_id[st].kind != "gauge":
            continue
        for s in by_station.get(st, []):
            if "gauge_rise" not in s.feats or not len(s.use_t):
                continue
            # (from at most SINCE_MAX_MS back: a live buffer keeps a gauge's last 6 h, and a silence of hours is old news)
            since = np.maximum(last + int(km * 1000.0 / SPEED_MS[2] * 1000.0), t - SINCE_MAX_MS)
            j0 = rank_right(s.use_t, since) - 1
            j1 = rank_right(s.use_t, t) - 1
            ok = (last != NOT_SEEN) & (since <= t) & (j0 >= 0) & (j1 >= 0)
            rise = np.where(ok, s.use_v[np.maximum(j1, 0)] - s.use_v[np.maximum(j0, 0)], 0.0)
            out[on] = np.fmax(out[on], np.nan_to_num(rise))
    return out


def silent_minutes(by_station: dict[str, list[SensorState]], stations: tuple[str, ...] | list[str],
                   ticks: np.ndarray) -> np.ndarray:
    """Minutes since the stations' newest reading (0 where none ever came): how long a silence has lasted, uncapped."""
    last = last_seen(by_station, stations, ticks)
    return np.where(last == NOT_SEEN, 0.0, (ticks - last) / 60_000.0)


def shaken_before(states: list[SensorState], ticks: np.ndarray, lag_lo_ms: float, lag_hi_ms: float) -> np.ndarray:
    """True where a geophone of ``states`` had its STA/LTA at SEQ_RATIO or more in (tick - lag_hi, tick - lag_lo]."""
    out = np.zeros(len(ticks), dtype=bool)
    for s in states:
        r = s.feats.get("sta_lta", {}).get("ratio")
        if r is None or not len(r):
            continue
        with np.errstate(invalid="ignore"):
            c = np.r_[0, np.cumsum(r >= SEQ_RATIO)]
        hi = np.searchsorted(s.use_t, ticks - lag_lo_ms, side="right")
        lo = np.searchsorted(s.use_t, ticks - lag_hi_ms, side="right")
        out |= c[hi] > c[lo]
    return out


def gauge_seq(bs: dict[str, list[SensorState]], site: Site, src: Source, gauge: str, km: float, ticks: np.ndarray) -> np.ndarray:
    """A surge at ``gauge`` (chainage ``km`` on the source's path) that a geophone above it saw coming (the module's
    ``gauge_seq``): two sensors in the order and at the spacing of a wave, where rain's drumming and a storm flood's
    swelling each move one of them. The surge is seen one reading after its step: the window is widened by that."""
    slow, _, fast = SPEED_MS
    out = np.zeros(len(ticks))
    surge = _max_feature(bs, [gauge], "gauge_rise", "surge", ticks)
    if not surge.any():
        return out
    interval_ms = 1000.0 * max((s.sensor.interval_s or 300) for s in bs.get(gauge, []) if "gauge_rise" in s.feats)
    for st, gkm in src.downstream:
        if gkm >= km or site.station_by_id[st].kind != "geophone":
            continue
        d_m = (km - gkm) * 1000.0
        seen = shaken_before(bs.get(st, []), ticks, d_m / fast * 1000.0, d_m / slow * 1000.0 + interval_ms)
        out = np.maximum(out, np.where(seen, surge, 0.0))
    return out


def source_features(site: Site, src: Source, states: dict[int, SensorState], ticks: np.ndarray,
                    by_station: dict[str, list[SensorState]] | None = None,
                    missed_cache: dict[str, np.ndarray] | None = None, geo_off: RunCarry | None = None) -> SourceFeatures:
    """``missed_cache``: station -> missed intervals at these ``ticks``, shared by the sources of one
    evaluation (a lake station is also its siblings' sibling, a gauge lies on several paths). ``geo_off``:
    the last tick before these at which the path's geophones were not triggered (the previous evaluation's
    :attr:`SourceFeatures.geo_off`; None for the first), so that ``geo_run`` counts across evaluations."""
    bs = by_station if by_station is not None else _by_station(states)
    cache = missed_cache if missed_cache is not None else {}

    def missed_at(st: str) -> np.ndarray:  # read-only: callers build new arrays from it
        m = cache.get(st)
        if m is None:
            m = cache[st] = station_missed(site, bs, st, ticks, explained=True)
        return m

    n = len(ticks)
    z = np.zeros(n)
    raw: dict[str, np.ndarray] = {}
    raw["drop"] = _max_feature(bs, src.lake_stations, "level_drop", "drop", ticks)
    raw["drop2"] = _max_feature(bs, src.lake_stations, "level_drop", "drop2", ticks)
    raw["fall"] = _max_feature(bs, src.lake_stations, "level_drop", "fall", ticks)
    raw["below"] = _max_feature(bs, src.lake_stations, "level_drop", "below", ticks)
    raw["drop_held"] = _max_feature(bs, src.lake_stations, "level_drop", "held", ticks)
    raw["drop_before"] = _max_feature(bs, src.lake_stations, "level_drop", "before", ticks)
    # a lake sinking fast, or slower but ever faster (level_drop's sink and accel): one feature for the rules
    raw["drop_sink"] = np.maximum(_max_feature(bs, src.lake_stations, "level_drop", "sink", ticks),
                                  _max_feature(bs, src.lake_stations, "level_drop", "accel", ticks))
    raw["drop_quicken"] = _max_feature(bs, src.lake_stations, "level_drop", "quicken", ticks)
    raw["drop_cap"] = np.full(n, drop_cap(site, src))
    missed = [missed_at(st) for st in src.lake_stations]
    raw["lake_missed"] = np.max(missed, axis=0) if missed else z.copy()
    raw["lake_has"] = lake_watched(bs, src.lake_stations, ticks)
    raw["lake_blind"] = lake_blind(bs, src.lake_stations, ticks)
    raw["lake_slide"] = _max_feature(bs, src.lake_stations, "level_slide", "slide", ticks)
    raw["fell_last"] = _max_feature(bs, src.lake_stations, "level_drop", "fell2", ticks, last=True)
    raw["fell1_last"] = _max_feature(bs, src.lake_stations, "level_drop", "fell1", ticks, last=True)
    raw["drop_stood"] = _max_feature(bs, src.lake_stations, "level_drop", "stood", ticks)
    raw["stepped_last"] = _max_feature(bs, src.lake_stations, "level_drop", "stepped", ticks, last=True)
    raw["lake_swing_last"] = _max_feature(bs, src.lake_stations, "level_drop", "swing", ticks, last=True)
    raw["lake_wave"] = _max_feature(bs, src.lake_stations, "level_drop", "wave", ticks)
    raw["drop_step_kept"] = _max_feature(bs, src.lake_stations, "level_drop", "kept", ticks)
    raw["drop_speeding"] = _max_feature(bs, src.lake_stations, "level_drop", "speeding", ticks)
    raw["lake_silent_min"] = silent_minutes(bs, src.lake_stations, ticks)
    raw["lake_rescaled"] = _max_feature(bs, src.lake_stations, "level_drop", "rescaled", ticks)
    void_rescaled(raw)
    # the fastest wave's time from the lake to the first gauge of its path: a flood that took the lake station cannot
    # lift that gauge sooner
    gauges = [km for st, km in src.downstream if site.station_by_id[st].kind == "gauge"]
    raw["gauge_travel_min"] = np.full(n, min(gauges) * 1000.0 / SPEED_MS[2] / 60.0 if gauges else np.nan)
    raw["flush_max"] = np.full(n, flush_max(site, src))
    raw["gauge_since_silent"] = rise_since_silent(site, src, bs, ticks, raw["lake_missed"])
    raw["sib_drop"] = _max_feature(bs, src.sibling_stations, "level_drop", "drop", ticks)
    sib = [missed_at(st) for st in src.sibling_stations]
    raw["sib_missed"] = np.max(sib, axis=0) if sib else z.copy()
    geo = z.copy()
    gauge = z.copy()
    down_missed = z.copy()
    gauge_front = np.zeros(n, dtype=bool)
    gauge_held = np.zeros(n, dtype=bool)
    gauge_kept = np.zeros(n, dtype=bool)
    geo_creep = z.copy()
    gauge_climb = z.copy()
    gauge_swell = z.copy()
    geo_hold = z.copy()
    gauge_dep = z.copy()
    gauge_step = z.copy()
    gauge_step_pre = z.copy()
    gauge_step_on = z.copy()
    gauge_sq = z.copy()
    gauge_stair = z.copy()
    gauge_stair_sat = z.copy()
    gauge_pulse, gauge_pulse_pair = z.copy(), z.copy()
    gauge_kick = z.copy()
    gauge_lift = z.copy()
    gauge_lift_small = z.copy()
    geo_lift = z.copy()
    geo_lift_long = z.copy()
    geo_died = z.copy()
    gauge_died = z.copy()
    fired = []
    geos: list[str] = []  # the path's geophones
    for st, km in src.downstream:
        kinds = {d for s in bs.get(st, []) for d in s.feats}
        g = z
        front = np.zeros(n, dtype=bool)
        if "sta_lta" in kinds:
            geos.append(st)
            g = _max_feature(bs, [st], "sta_lta", "ratio", ticks)
            geo = np.maximum(geo, g)
            geo_hold = np.maximum(geo_hold, _max_feature(bs, [st], "sta_lta", "hold_on", ticks))
            geo_lift = np.maximum(geo_lift, _max_feature(bs, [st], "sta_lta", "lift_held", ticks))
            geo_lift_long = np.maximum(geo_lift_long, _max_feature(bs, [st], "sta_lta", "lift_long", ticks))
            geo_creep = np.maximum(geo_creep, _max_feature(bs, [st], "sta_lta", "creep", ticks))
            # silent now, after triggering within the 3 h before its last reading, and silent for at most that long
            shook = _max_feature(bs, [st], "sta_lta", "recent", ticks, last=True) > 0
            died = (missed_at(st) >= GEO_DIED_MISSED) & shook & (silent_minutes(bs, [st], ticks) <= GEO_DIED_MAX_MIN)
            geo_died = np.maximum(geo_died, died.astype(float))
        if "gauge_rise" in kinds:
            gauge = np.maximum(gauge, _max_feature(bs, [st], "gauge_rise", "rise", ticks))
            front = _max_feature(bs, [st], "gauge_rise", "front", ticks) > 0
            gauge_front |= front
            gauge_held |= _max_feature(bs, [st], "gauge_rise", "front_held", ticks) > 0
            gauge_kept |= _max_feature(bs, [st], "gauge_rise", "kept", ticks) > 0
            gauge_kept |= _max_feature(bs, [st], "gauge_rise", "tail", ticks) > 0
            gauge_climb = np.maximum(gauge_climb, _max_feature(bs, [st], "gauge_rise", "climb", ticks))
            gauge_swell = np.maximum(gauge_swell, _max_feature(bs, [st], "gauge_rise", "swell", ticks))
            gauge_dep = np.maximum(gauge_dep, _max_feature(bs, [st], "gauge_rise", "dep_ok", ticks))
            gauge_step = np.maximum(gauge_step, _max_feature(bs, [st], "gauge_rise", "step_front", ticks))
            gauge_step_pre = np.maximum(gauge_step_pre, _max_feature(bs, [st], "gauge_rise", "step_pre", ticks))
            gauge_step_on = np.maximum(gauge_step_on, _max_feature(bs, [st], "gauge_rise", "step_on", ticks))
            gauge_stair = np.maximum(gauge_stair, _max_feature(bs, [st], "gauge_rise", "stair", ticks))
            gauge_stair_sat = np.maximum(gauge_stair_sat, _max_feature(bs, [st], "gauge_rise", "stair_sat", ticks))
            gauge_pulse = np.maximum(gauge_pulse, _max_feature(bs, [st], "gauge_rise", "pulse", ticks))
            gauge_pulse_pair = np.maximum(gauge_pulse_pair, _max_feature(bs, [st], "gauge_rise", "pulse_pair", ticks))
            gauge_lift = np.maximum(gauge_lift, _max_feature(bs, [st], "gauge_rise", "lift", ticks))
            gauge_kick = np.maximum(gauge_kick, _max_feature(bs, [st], "gauge_rise", "kick", ticks))
            gauge_lift_small = np.maximum(gauge_lift_small, _max_feature(bs, [st], "gauge_rise", "lift_small", ticks))
            gauge_sq = np.maximum(gauge_sq, gauge_seq(bs, site, src, st, km, ticks))
            took = (missed_at(st) >= GAUGE_DIED_MISSED) & \
                (_max_feature(bs, [st], "gauge_rise", "front", ticks, last=True) > 0)
            if took.any():  # the silence's length only where a front went silent (most evaluations: none)
                took &= silent_minutes(bs, [st], ticks) <= GAUGE_DIED_MAX_MIN
                gauge_died = np.maximum(gauge_died, took.astype(float))
        down_missed = np.maximum(down_missed, missed_at(st))
        fired.append((st, km, (g >= FIRE_RATIO) | front))
    raw["geo_ratio"], raw["gauge"], raw["down_missed"] = geo, gauge, down_missed
    geo_on = geo >= FIRE_RATIO
    raw["geo_run"] = run_minutes(geo_on, ticks, geo_off)
    # the STA/LTA at the trigger's first minute, for runs of up to ONSET_RUN_MAX_MIN (fusion.flood_passing)
    run = raw["geo_run"]
    young = (run > 0) & (run <= ONSET_RUN_MAX_MIN)
    raw["geo_onset"] = z.copy()
    if geos and young.any():
        start = (ticks[young] - (run[young] - 1.0) * 60_000).astype(np.int64)
        raw["geo_onset"][young] = _max_feature(bs, geos, "sta_lta", "ratio", start)
    raw["geo_hold"] = geo_hold
    raw["gauge_dep"], raw["geo_lift"], raw["gauge_step"], raw["gauge_seq"] = gauge_dep, geo_lift, gauge_step, gauge_sq
    raw["gauge_stair"], raw["geo_lift_long"], raw["gauge_pulse"] = gauge_stair, geo_lift_long, gauge_pulse
    raw["gauge_pulse_pair"], raw["gauge_step_pre"] = gauge_pulse_pair, gauge_step_pre
    raw["gauge_step_on"], raw["gauge_kick"] = gauge_step_on, gauge_kick
    raw["gauge_stair_sat"], raw["gauge_lift"], raw["gauge_lift_small"] = gauge_stair_sat, gauge_lift, gauge_lift_small
    raw["geo_died"], raw["gauge_died"] = geo_died, gauge_died
    raw["geo_recent"] = (geo_lift > 0).astype(float)
    raw["gauge_front"] = gauge_front.astype(float)
    raw["gauge_held"] = gauge_held.astype(float)
    raw["gauge_kept"] = gauge_kept.astype(float)
    raw["geo_creep"], raw["gauge_climb"], raw["gauge_swell"] = geo_creep, gauge_climb, gauge_swell
    raw["gauge_far_climb"] = _max_feature(bs, list(src.neighbour_gauges), "gauge_rise", "climb", ticks)
    has_geo = any(site.station_by_id[st].kind == "geophone" for st, _ in src.downstream)
    raw["geo_has"] = np.full(n, 1.0 if has_geo else 0.0)
    raw["rain_c"] = _max_feature(bs, src.weather, "rainfall", "caine", ticks)
    raw["rain_g"] = _max_feature(bs, src.weather, "rainfall", "guzzetti", ticks)
    raw["rain_i1"] = _max_feature(bs, src.weather, "rainfall", "i1h", ticks)
    raw["rain_i3"] = _max_feature(bs, src.weather, "rainfall", "i3h", ticks)
    raw["rain_i6"] = _max_feature(bs, src.weather, "rainfall", "i6h", ticks)
    raw["rain_i30"] = _half_hour_rain(bs, src.weather, ticks)
    raw["rain_far"] = np.full(n, 1.0 if src.weather_borrowed else 0.0)
    before, wet, all_eased = z.copy(), z.copy(), np.full(n, np.nan)
    if src.weather_borrowed:  # the storm at every weather station of the site: read only where the rain is borrowed
        all_eased = np.ones(n)
    for st in (s.id for s in site.stations if s.kind == "weather"):
        i1, i3, i6 = (_max_feature(bs, [st], "rainfall", k, ticks) for k in ("i1h", "i3h", "i6h"))
        before = np.maximum(before, 3.0 * i3 - i1)
        wet = np.maximum(wet, 6.0 * i6 - i1)
        if src.weather_borrowed:
            all_eased = np.minimum(all_eased, eased(i1, i3).astype(float))
    raw["rain_before"], raw["rain_wet"], raw["rain_eased_all"] = before, wet, all_eased
    lake = site.lake_by_id.get(src.lake) if src.lake else None
    free = np.full(n, np.nan)
    rise = np.full(n, np.nan)
    if lake is not None:
        for st in src.lake_stations:
            for s in bs.get(st, []):
                if "spillway" in s.feats:
                    lv = s.feature("spillway", "level30", ticks, np.nan)
                    free = np.fmin(free, lake.spillway_level_m - lv)
                    rise = np.fmax(rise, s.feature("spillway", "rise6h", ticks, np.nan))
    raw["freeboard"], raw["rise6h"] = free, rise
    t_lake = np.full(n, np.nan)
    if lake is not None and lake.elevation_m is not None:
        for st in src.weather:
            station = site.station_by_id[st]
            for s in bs.get(st, []):
                if "warm_spell" in s.feats:
                    t24 = s.feature("warm_spell", "t24", ticks, np.nan)
                    t_lake = np.fmax(t_lake, t24 + LAPSE_K_PER_M * ((station.elevation_m or lake.elevation_m) - lake.elevation_m))
    raw["t_lake"] = t_lake
    return SourceFeatures(raw, fired, last_off_tick(geo_on, ticks, geo_off) if n else geo_off)
