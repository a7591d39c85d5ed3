"""From per-tick candidate levels to decisions: hysteresis, no duplicates, all-clear.

Per source (a lake's outburst, a valley's debris flow) the policy keeps the level in force and
emits a decision only when it changes:

- **escalate** at once when the *entry* level (strict thresholds) rises above the level in force;
- **hold** while the *stay* level (thresholds about half as strict) still justifies it: evidence
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


Emit = Callable[[int, int, SourceState], str]  # (tick index, new level (0 = all_clear), state) -> decision id


def run(state: SourceState, ticks: np.ndarray, entry: np.ndarray, stay: np.ndarray,
        fired: list[tuple[str, float, np.ndarray]], emit: Emit) -> np.ndarray:
    """Advance ``state`` over ``ticks``; ``emit`` is called for every level change. Returns the level at each tick."""
    n = len(ticks)
    levels = np.empty(n, dtype=np.int8)
    active = np.flatnonzero((entry > 0) | (stay > 0))
    prev = -1

    def change(i: int, new: int) -> None:
        state.last_id = emit(i, new, state)
        state.level = new
        state.below_since = None
        if new == 0:
            state.first_fired.clear()
            state.last_id = None

    for i in [*active.tolist(), n]:
        if i > prev + 1:  # a quiet stretch prev+1 .. i-1
            levels[prev + 1:i] = state.level
            if state.level > 0:
                if state.below_since is None:
                    state.below_since = int(ticks[prev + 1])
                j = max(int(np.searchsorted(ticks, state.below_since + HOLD_MS, side="left")), prev + 1)
                if j < i:
                    change(j, 0)
                    levels[j:i] = 0
        if i == n:
            break
        t = int(ticks[i])
        if state.level > 0 or entry[i] > 0:
            for st, _km, f in fired:
                if f[i] and st not in state.first_fired:
                    state.first_fired[st] = t
        if entry[i] > state.level:
            change(i, int(entry[i]))
        elif stay[i] >= state.level or state.level == 0:
            state.below_since = None
        else:
            if state.below_since is None:
                state.below_since = t
            if t - state.below_since >= HOLD_MS:
                change(i, int(stay[i]))
        levels[i] = state.level
        prev = i
    return levels
