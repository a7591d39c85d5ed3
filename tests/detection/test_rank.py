"""series.rank_right: np.searchsorted(a, ticks, side="right") by counting where ``a`` is much shorter than ``ticks``."""

from __future__ import annotations

import numpy as np

from glofwatch.detection.series import rank_right


def test_rank_right_equals_searchsorted_on_sparse_dense_and_tied_readings() -> None:
    rng = np.random.default_rng(7)
    for _ in range(200):
        ticks = np.unique(rng.integers(0, 10**6, int(rng.integers(1, 6000)))).astype(np.int64)
        a = np.sort(rng.integers(-10**3, 10**6 + 10**3, int(rng.integers(0, len(ticks) + 1)))).astype(np.int64)
        if len(a) and rng.random() < 0.5:  # readings exactly on ticks (the counting must treat them as at or before)
            a[: len(a) // 2] = rng.choice(ticks, len(a) // 2)
            a.sort()
        assert np.array_equal(rank_right(a, ticks), np.searchsorted(a, ticks, side="right"))
