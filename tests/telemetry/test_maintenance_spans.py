"""The pure parts of maintenance windows that detection reads: spans (merged, per sensor), inside, last_end."""

from __future__ import annotations

import numpy as np

from glofwatch.telemetry.maintenance import Window, inside, last_end, spans


def test_spans_cover_the_named_sensor_or_the_whole_station_and_merge_overlaps() -> None:
    ws = [Window("lake-cha-1", None, 100, 200), Window("lake-cha-1", "water_level", 150, 300),
          Window("lake-cha-1", "battery", 400, 500), Window("gauge-cha", None, 0, 1000), Window("lake-cha-1", None, 600, 600)]
    assert spans(ws, "lake-cha-1", "water_level").tolist() == [[100, 300]]  # overlapping windows merged; empty dropped
    assert spans(ws, "lake-cha-1", "battery").tolist() == [[100, 200], [400, 500]]
    assert spans(ws, "lake-cak-1", "water_level").shape == (0, 2)
    assert spans([Window("s", None, 300, 400), Window("s", None, 100, 300)], "s", "x").tolist() == [[100, 400]]  # touching


def test_inside_is_start_inclusive_end_exclusive_and_last_end_is_the_latest_ended_window() -> None:
    sp = spans([Window("s", None, 100, 200), Window("s", None, 500, 600)], "s", "x")
    t = np.array([99, 100, 199, 200, 450, 500, 599, 600, 700], dtype=np.int64)
    assert inside(t, sp).tolist() == [False, True, True, False, False, True, True, False, False]
    none = np.iinfo(np.int64).min
    assert last_end(t, sp).tolist() == [none, none, none, 200, 200, 200, 200, 600, 600]
    assert not inside(t, np.zeros((0, 2), dtype=np.int64)).any()
    assert (last_end(t, np.zeros((0, 2), dtype=np.int64)) == none).all()
