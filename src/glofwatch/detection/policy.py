"""From per-tick candidate levels to decisions: hysteresis, no duplicates, all-clear.

Per source (a lake's outburst, a valley's debris flow) the policy keeps the level in force and
emits a decision only when it changes:

- **escalate** at once when the *entry* level (strict thresholds) rises above the level in force;
- **hold** while the *stay* level (thresholds about half as strict), or the entry level, still justifies it: evidence
  that flickers around a threshold does not make the siren flicker;
- **de-escalate** (or send **all_clear** when nothing is left) only after the stay level has been
  below the level in force for ``HOLD_MS`` of event time.

Ticks where every signal is zero are skipped in bulk (replay speed) without changing the outcome:
the hold timer runs over them, and an expiry inside such a stretch is dated at the first tick at or
after it. Live calls process their ticks with the same state, so the decisions are the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

LEVEL_NAMES = ("none", "advisory", "watch", "warning", "evacuate")
HOLD_MS = 60 * 60_000


@dataclass
class SourceState:
    level: int = 0
    below_since: int | None = None
    last_id: str | None = None
    first_fired: dict[str, int] = field(default_factory=dict)  # downstream station -> first tick it fired (episode)


def _first(cond: Callable[[int, int], np.ndarray], i: int, n: int) -> int:
    """First index >= i where ``cond(a, b)`` (a mask over ticks a..b-1) holds, else n; looks near first."""
    a, step = i, 64
    while a < n:
        b = min(n, a + step)
        nz = np.flatnonzero(cond(a, b))
        if len(nz):
            return a + int(nz[0])
        a, step = b, step * 8
    return n


Emit = Callable[[int, int, SourceState], str]  # (tick index, new level (0 = all_clear), state) -> decision id


def run(state: SourceState, ticks: np.ndarray, entry: np.ndarray, stay: np.ndarray,
        fired: list[tuple[str, float, np.ndarray]], emit: Emit) -> np.ndarray:
    """Advance ``state`` over ``ticks``; ``emit`` is called for every level change. Returns the level at each tick.

    Jumps from one tick where the state can change to the next (vectorised search), so long quiet or
    long steady stretches cost nothing per tick.
    """
    n = len(ticks)
    # evidence that would enter a level also holds it: a safety rule that raises a WARNING the model's probability does
    # not back (its stay level under it) would otherwise lapse after HOLD_MS and be raised again at the next tick, a new
    # alert every hour while the river swells
    stay = np.maximum(stay, entry)
    changes: list[tuple[int, int]] = []
    start_level = state.level

    def record_fired(a: int, b: int) -> None:  # downstream stations that fired in ticks a..b (inclusive)
        for st, _km, f in fired:
            if st not in state.first_fired and a <= b < n:
                idx = np.flatnonzero(f[a:b + 1])
                if len(idx):
                    state.first_fired[st] = int(ticks[a + idx[0]])

    def change(i: int, new: int) -> None:
        state.last_id = emit(i, new, state)
        state.level = new
        state.below_since = None
        changes.append((i, new))
        if new == 0:
            state.first_fired.clear()
            state.last_id = None

    i = 0
    while i < n:
        lv = state.level
        if state.below_since is None:
            if lv > 0:
                j = _first(lambda a, b: (entry[a:b] > lv) | (stay[a:b] < lv), i, n)  # noqa: B023
            else:
                j = _first(lambda a, b: entry[a:b] > 0, i, n)
            if lv > 0:
                record_fired(i, min(j, n - 1))
            if j >= n:
                break
            if entry[j] > lv:
                if lv == 0:
                    record_fired(j, j)
                change(j, int(entry[j]))
                i = j + 1
                continue
            state.below_since = int(ticks[j])
            i = j
        else:
            m = _first(lambda a, b: (entry[a:b] > lv) | (stay[a:b] >= lv), i, n)  # noqa: B023
            k = max(int(np.searchsorted(ticks, state.below_since + HOLD_MS, side="left")), i)
            record_fired(i, min(k, m, n - 1))
            if k < m:
                change(k, int(stay[k]))
                i = k + 1
                continue
            if m >= n:
                break
            if entry[m] > lv:
                change(m, int(entry[m]))
                i = m + 1
                continue
            state.below_since = None
            i = m
    levels = np.full(n, start_level, dtype=np.int8)
    for idx, new in changes:
        levels[idx:] = new
    return levels
