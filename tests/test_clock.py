from datetime import UTC, datetime, timedelta

import pytest

from glofwatch.clock import iso, ms, parse_iso


def test_parse_iso_reads_z_offsets_and_naive_as_utc() -> None:
    assert parse_iso("2025-07-27T07:35:00Z") == datetime(2025, 7, 27, 7, 35, tzinfo=UTC)
    assert parse_iso("2025-07-27T13:35:00+06:00") == datetime(2025, 7, 27, 7, 35, tzinfo=UTC)
    assert parse_iso("2025-07-27T13:35:00+06:00").utcoffset() == timedelta(hours=6)
    assert parse_iso("2025-07-27T07:35:00").tzinfo is UTC  # naive text is UTC, never the machine's zone
    assert parse_iso("2025-07-27").tzinfo is UTC
    assert parse_iso(iso(ms(datetime(2025, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)))).microsecond == 678000
    with pytest.raises(ValueError):
        parse_iso("27/07/2025 07:35")
