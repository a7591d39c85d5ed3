"""Geophone STA/LTA: the seismologists' trigger on the ground-velocity RMS a geophone reports.

STA is the **median** of the readings in the last 3 minutes, LTA the median of the last hour
(time windows, so gaps and batched uploads are fine). Medians instead of the classic means
(Allen 1978; obspy ``classic_sta_lta``) make one glitched reading (a stone hitting the sensor) unable
to trigger alone and keep the LTA from swallowing the event it should be the background for. The
ratio is floored at ``MIN_LTA`` so a dead-quiet or zero-reporting sensor cannot divide by ~0.

On the real Illgraben recording of 2019-06-10 (tests/detection/test_illgraben.py) this fires at the
debris-flow front and stays quiet in the hour before it.

``hold`` = STA now over the largest STA of the last ``HOLD_MS``: a debris flow's tremor grows or holds
for tens of minutes (its surges pass for as long as the flow lasts), while rockfall, a quake or a
vehicle is an impulse that decays within minutes (``hold`` falls well below 1).

``recent`` = 1 when the trigger fired within the last ``RECENT_MS`` (a flood that passed the geophone
reaches the gauge below it within the travel time).

``lift`` = the median of the last 10 min over the background of two hours before (the LTA as it was
at t - 2 h: the median of (t - 3 h, t - 2 h]): a flow keeps the ground shaking above its background for
as long as it passes (the LTA follows it within the hour, that background does not), an impulse leaves
it at its background minutes later.

``creep`` = the hourly median now over that of ``CREEP_HOURS`` hours ago, where it grew by ``CREEP_STEP`` or more
in each of those hours (else 0): a flood that grows for hours (an ice-dammed lake draining through its tunnel, Nye
1976) never triggers STA/LTA, whose hour-long LTA follows it, but lifts the ground's shaking hour after hour; the
river's daily melt rhythm and passing noise do not grow every hour for three. It must grow steadily (the last hour's
growth at least ``CREEP_STEADY`` of the first's: a sensor drifting linearly grows by less each hour).

Features: ``ratio`` (STA/LTA), ``sta`` (mm/s), ``hold``, ``recent``, ``lift``, ``creep``, and for the sources
``hold_on`` (``hold`` while triggered, else 0), ``lift_recent`` (``lift`` within ``RECENT_MS`` of a trigger, else
0), ``lift_held`` (the lowest ``lift_recent`` of the last ``LIFT_HELD_MS``: a flood keeps the ground shaking, noise
lifts one 10-min median now and then) and ``lift_long`` (the same over ``LIFT_LONG_MS``, 0 where a lift of that
window exceeded ``LIFT_FLOOD_MAX``: a drifting channel, or where readings cover less than ``LIFT_COVER`` of it).
"""

from __future__ import annotations

import warnings
from typing import ClassVar

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from glofwatch.detection.detectors.base import Detector, Evidence, hourly_medians, identical_run, windowed
from glofwatch.site.model import SensorSpec, Station

STA_MS = 180_000
LTA_MS = 3_600_000
MIN_LTA = 1e-4  # mm/s
FIRE_RATIO = 4.0
STA_MIN_SHARE = 0.5  # the STA window must hold this share of its readings (2 of 3 at one a minute)
HOLD_MS = 15 * 60_000
RECENT_MS = 180 * 60_000  # a slow flood (~1 m/s) takes 2-3 h from the geophone to the gauge 7 km below
LIFT_NOW_MS = 600_000
LIFT_LAG_MS = 2 * 3_600_000
LIFT_HELD_MS = 15 * 60_000
LIFT_LONG_MS = 35 * 60_000  # lift_long: the lowest lift of this long (a flood passing for over half an hour)
# ... where no lift of that window exceeded this: a flood lifts the shaking tens of times, a channel drifting up hundreds
# (a blind red-team drift fault: x750 within 2 h, then x20 once its own drift became the background)
LIFT_FLOOD_MAX = 50.0
# ... nor where the lift now is over this many times the window's lowest: a channel drifting up grows x10 and more an
# hour, a flood passing the geophone holds or decays after its front, and one that grows (a tunnel drainage) x3 an hour
LIFT_GROW_MAX = 3.0
# ... and only within this long of the newest trigger: a flood's front triggers as it reaches the geophone, and lift_long
# holds half an hour later; a channel that drifted up for hours has its own drift for background by then (x5 at 3000x
# the quiet level)
LIFT_LONG_RECENT_MS = 90 * 60_000
LIFT_COVER = 0.5  # ... and over a window with readings for at least this share of its minutes
FROZEN_N = 5  # identical readings in a row: a stuck channel (unfrozen)
RAMP_N = 5  # rises in a row ...
# ... whose spread is under this share of their mean: a channel drifting linearly (unramped). At 0.25-0.35, or with the
# trigger cut while its STA window still held the ramp's first readings, it also kept blind drift ramps from warning for
# their first minutes (10-25 fewer warned fault days of 1 200), but delayed 3-10 independent red-team debris flows by
# 4-12 min (their fronts rise smoothly for 5-10 min; a cut trigger restarts the flow rules' 12-min count) and lost one
RAMP_CV = 0.2
CREEP_MED_MS = 60 * 60_000  # hourly medians that do not overlap (30-min ones: one low median of noise made three rises)
CREEP_HOURS = 3
CREEP_STEP = 1.15  # growth of the hourly median in each of the CREEP_HOURS hours
CREEP_STEADY = 1.0  # the last hour's growth over the first's (a drift's falls hour after hour, a flood's holds)


def unfrozen(v: np.ndarray) -> np.ndarray:
    """``v`` with the readings from the FROZEN_N-th of a run of identical ones on as NaN: a live geophone's ground
    velocity never repeats to the last digit (its noise), a stuck logger channel does. QC flags such runs suspect (flat)
    but keeps them; a geophone stuck at its quiet level through a storm then coming back jumps to the storm's shaking,
    which the LTA of the stuck values takes for a flow (an evacuation on a fault day of our simulator)."""
    # causal: a reading is frozen once it is the FROZEN_N-th identical one in a row (live sees no later readings)
    return np.where(identical_run(v) >= FROZEN_N, np.nan, v)


def unramped(v: np.ndarray) -> np.ndarray:
    """``v`` with the readings that end RAMP_N rises in a row of nearly one size (their spread under RAMP_CV of their
    mean) as NaN: a channel drifting linearly, not ground shaking. A flow's tremor grows in surges, its velocity jumping
    up and down from one minute to the next; a blind red-team drift fault added 0.1 mm/s a minute, every minute, to a
    geophone at 0.01, and its STA/LTA trigger lasted long enough in light rain to evacuate (3 of 1 200 development
    fault days). Causal: the first readings of the ramp stay (the trigger fires for minutes: a WARNING may go out), the
    rest are dropped."""
    n = len(v)
    if n <= RAMP_N:
        return v
    d = np.diff(v)
    with np.errstate(invalid="ignore"):
        rises = np.r_[0, np.cumsum(d > 0)]
    # rows k whose RAMP_N rises into readings k+1 .. k+RAMP_N are all rises (a few in noise), then their spread
    cand = np.flatnonzero(rises[RAMP_N:] - rises[:-RAMP_N] == RAMP_N)
    if not len(cand):
        return v
    w = sliding_window_view(d, RAMP_N)[cand]
    ramp = cand[w.std(axis=1) < RAMP_CV * w.mean(axis=1)] + RAMP_N
    out = v.copy()
    out[ramp] = np.nan
    return out


def creep(t: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The module's ``creep`` at each reading (0 where it did not grow every hour, or the series is too short)."""
    meds = hourly_medians(t, v, CREEP_HOURS, CREEP_MED_MS)
    ok = np.ones(len(t), dtype=bool)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratios = [newer / np.maximum(older, MIN_LTA) for newer, older in zip(meds[:-1], meds[1:], strict=True)]
        for r in ratios:
            ok &= r >= CREEP_STEP  # NaN (too short) compares False
        # steady or accelerating, as a flood that grows out of the background: a sensor drifting linearly grows by
        # less every hour (its ratios fall: 2.0, 1.5, 1.3 for a drift from the background)
        ok &= ratios[0] >= CREEP_STEADY * ratios[-1]
        return np.where(ok, meds[0] / np.maximum(meds[-1], MIN_LTA), 0.0)


def _medians_now(t: np.ndarray, v: np.ndarray, lo: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """The median of ``v[lo[k]:idx[k] + 1]`` for each k, NaN values skipped (NaN where all are: frozen readings only).

    A few windows (a replay's rare triggers): one median each. Many (a live buffer around a flow, re-derived at every
    message: the median per window was a fifth of the live path's time): one rolling median over the readings they
    span, the same windows ((t - LIFT_NOW_MS, t], NaN skipped), the same numbers."""
    if len(idx) <= 32:
        with warnings.catch_warnings():  # a window of frozen readings only: NaN, no lift
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.array([np.nanmedian(v[a:i + 1]) for a, i in zip(lo.tolist(), idx.tolist(), strict=True)])
    a0, a1 = int(lo.min()), int(idx.max()) + 1
    med = windowed(t[a0:a1], v[a0:a1], LIFT_NOW_MS, "median")
    return med[idx - a0]


class StaLta(Detector):
    name: ClassVar[str] = "sta_lta"
    sensors: ClassVar[tuple[str, ...]] = ("ground_velocity",)
    kinds: ClassVar[tuple[str, ...]] = ()
    lookback_ms: ClassVar[int] = max(LTA_MS + RECENT_MS, LTA_MS + LIFT_LAG_MS,
                                      CREEP_MED_MS + CREEP_HOURS * 3_600_000)
    features: ClassVar[tuple[str, ...]] = ("ratio", "sta", "hold", "recent", "lift", "hold_on", "lift_recent", "lift_held",
                                           "lift_long", "creep")

    def compute(self, t_ms: np.ndarray, value: np.ndarray, station: Station, sensor: SensorSpec) -> dict[str, np.ndarray]:
        v = unramped(unfrozen(np.abs(value.astype(float))))
        sta = windowed(t_ms, v, STA_MS, "median")
        lta = windowed(t_ms, v, LTA_MS, "median")
        peak = windowed(t_ms, sta, HOLD_MS, "max")
        ratio = np.nan_to_num(sta / np.maximum(lta, MIN_LTA), nan=0.0)  # only frozen readings in the window: no evidence
        t = np.asarray(t_ms, dtype=np.int64)
        # ... nor a window the readings do not cover: fewer than STA_MIN_SHARE of its readings (a channel drifting below
        # zero whose readings QC rejects but for its noise's upper tail: one 0.09 mm/s reading was a 3-min STA of 0.09,
        # x6 its hour, and the feature held it until the next good reading 4 min later, the crosscheck red-team fault day)
        every = 1000.0 * (getattr(sensor, "interval_s", None) or 60)  # ms between readings
        if len(t):
            in_sta = np.arange(len(t)) - np.searchsorted(t, t - STA_MS, side="right") + 1
            ratio = np.where(in_sta >= STA_MIN_SHARE * STA_MS / every, ratio, 0.0)
        # triggered within (t - RECENT_MS, t]: the newest trigger time so far (same as a rolling max, cheaper)
        last_on = np.maximum.accumulate(np.where(ratio >= FIRE_RATIO, t, np.iinfo(np.int64).min))
        recent = (last_on > t - RECENT_MS).astype(float)
        # the background: the LTA (1-hour median) as it was LIFT_LAG_MS ago, i.e. the median of (t-3h, t-2h];
        # lift is only read within RECENT_MS of a trigger, so its 10-min median is taken there alone
        lift = np.full(len(t), np.nan)
        idx = np.flatnonzero(recent > 0)
        if len(idx):
            j = np.searchsorted(t, t[idx] - LIFT_LAG_MS, side="right") - 1
            lo = np.searchsorted(t, t[idx] - LIFT_NOW_MS, side="right")
            now = _medians_now(t, v, lo, idx)
            # a series younger than that (a station just installed or back, a short file): the first full hour
            k0 = int(np.searchsorted(t, t[0] + LTA_MS, side="left"))
            past = lta[np.maximum(j, np.minimum(k0, idx))]
            lift[idx] = now / np.maximum(past, MIN_LTA)
        hold = np.nan_to_num(sta / np.maximum(peak, MIN_LTA), nan=0.0)
        lift_recent = np.where(recent >= 1, lift, 0.0)
        # held: the lowest lift of the last LIFT_HELD_MS (a flood keeps the ground shaking; noise lifts one median)
        lift_held = windowed(t_ms, lift_recent, LIFT_HELD_MS, "min") if len(t) else lift_recent
        lift_long = lift_recent
        if len(t):
            low = windowed(t_ms, lift_recent, LIFT_LONG_MS, "min")
            # ... over a window the readings cover (LIFT_COVER of its minutes): after a gap the first reading alone is the
            # window's lowest (a blind red-team geophone dead for 44 min, then a rockfall's burst: "x47 for 35 min")
            held_n = np.arange(len(t)) - np.searchsorted(t, t - LIFT_LONG_MS, side="right") + 1
            ok = (windowed(t_ms, lift_recent, LIFT_LONG_MS, "max") <= LIFT_FLOOD_MAX) & (lift_recent <= LIFT_GROW_MAX * low) & \
                (last_on > t - LIFT_LONG_RECENT_MS) & (held_n >= LIFT_COVER * LIFT_LONG_MS / every)
            lift_long = np.where(ok, low, 0.0)
        return {"ratio": ratio, "sta": sta, "hold": hold, "recent": recent, "lift": lift,
                "hold_on": np.where(ratio >= FIRE_RATIO, hold, 0.0), "lift_recent": lift_recent, "lift_held": lift_held,
                "lift_long": lift_long, "creep": creep(t, v)}

    def explain(self, station: Station, sensor: SensorSpec, feats: dict[str, float], tick_ms: int,
                series: tuple[np.ndarray, np.ndarray]) -> Evidence:
        r, sta = feats.get("ratio", 0.0), feats.get("sta", 0.0)
        lift, recent = feats.get("lift", np.nan), feats.get("recent", 0.0)
        fires = r >= FIRE_RATIO
        text = (f"{station.id} ground shaking {sta:.3g} mm/s, {r:.1f}x its last hour (STA/LTA "
                f"{'above' if fires else 'below'} {FIRE_RATIO:g})")
        details = {"ratio": round(r, 2), "sta_mm_s": round(sta, 4)}
        if np.isfinite(lift):
            text += f", {lift:.1f}x its background 2-3 h ago{'; triggered in the last 3 h' if recent >= 1 else ''}"
            details.update(lift=round(float(lift), 2), recent=bool(recent >= 1))
        cr = feats.get("creep", 0.0)
        if np.isfinite(cr) and cr > 0:
            text += f"; the shaking grew {cr:.1f}x in {CREEP_HOURS} h, every hour (a flood growing for hours?)"
            details["creep"] = round(float(cr), 2)
        return Evidence(self.name, station.id, r, fires, text, details)
