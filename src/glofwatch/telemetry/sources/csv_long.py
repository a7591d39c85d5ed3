"""The long telemetry CSV of DESIGN.md §3: ``time,station,sensor,value``.

Parsed with pyarrow's CSV reader (C++, streaming, a block at a time) rather than Python's ``csv``
module: the import target is 200k rows/s on two cores. Malformed lines (wrong number of fields)
come back through pyarrow's invalid-row handler with their line number and are reported, the rest
of the file is kept.
"""

from __future__ import annotations

import bisect
import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from glofwatch.errors import ParseError
from glofwatch.telemetry.batch import BAD_TIME, Incoming, IngestReport

COLUMNS = ("time", "station", "sensor", "value")
MISSING_TOKENS = ("", "NAN", "NaN", "nan", "NA", "null", "NULL", "None", "-9999")
BLOCK_SIZE = 32 << 20


def parse_times(values: pa.Array | np.ndarray | list[str]) -> np.ndarray:
    """ISO 8601 strings -> epoch ms (int64); unparsable -> BAD_TIME. Naive times are taken as UTC.

    Parses each distinct string once: telemetry repeats the same timestamp for every sensor.
    """
    codes, uniq = pd.factorize(np.asarray(values, dtype=object))
    parsed = pd.to_datetime(pd.Index(uniq, dtype=object), format="ISO8601", utc=True, errors="coerce")
    ums = np.asarray(parsed.as_unit("ms").asi8, dtype=np.int64)
    ums[np.asarray(parsed.isna())] = BAD_TIME
    out = ums[codes] if len(uniq) else np.full(len(codes), BAD_TIME, dtype=np.int64)
    out[codes < 0] = BAD_TIME
    return out


def parse_values(raw: np.ndarray | pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Strings -> (float64 values, missing mask, non-numeric mask). Expects trimmed strings."""
    arr = raw if isinstance(raw, pa.Array | pa.ChunkedArray) else pa.array(np.asarray(raw, dtype=object), type=pa.string())
    missing = np.asarray(pc.is_in(arr, value_set=_MISSING).to_numpy(zero_copy_only=False), dtype=bool)
    try:  # fast path: Arrow's C++ parser, when every non-missing value is a number
        num = np.array(pc.cast(pc.if_else(pa.array(missing), "nan", arr), pa.float64()).to_numpy(zero_copy_only=False),
                       dtype=np.float64)
    except pa.ArrowInvalid:
        s = pd.Series(arr.to_numpy(zero_copy_only=False), dtype=object)
        num = np.array(pd.to_numeric(s.where(~missing, None), errors="coerce"), dtype=np.float64)
    num[missing] = np.nan
    bad = ~missing & ~np.isfinite(num)
    return num, missing, bad


_MISSING = pa.array(list(MISSING_TOKENS), type=pa.string())


class _BadRows:
    """Collects pyarrow's invalid rows; maps valid-row ordinals back to file line numbers."""

    def __init__(self, name: str, report: IngestReport):
        self.name = name
        self.report = report
        self.lines: list[int] = []  # sorted file line numbers that were not data rows

    def __call__(self, row: pacsv.InvalidRow) -> str:
        line = int(row.number) if row.number is not None else -1
        if line > 0:
            self.lines.append(line)
        if row.text.strip():
            self.report.reject(
                f"{self.name} line {line}",
                f"expected {row.expected_columns} fields (time,station,sensor,value), found {row.actual_columns}",
            )
        return "skip"

    def line_of(self, ordinal: int) -> int:
        """File line of the ``ordinal``-th (0-based) valid data row, header on line 1."""
        line = ordinal + 2
        while True:
            k = bisect.bisect_right(self.lines, line)
            nxt = ordinal + 2 + k
            if nxt == line:
                return line
            line = nxt


def read_long_csv(source: Path | bytes, report: IngestReport, *, name: str | None = None) -> Iterator[Incoming]:
    """Yield :class:`Incoming` blocks of a long-form telemetry CSV (path or bytes)."""
    label = name or (source.name if isinstance(source, Path) else "body")
    stream = pa.OSFile(str(source)) if isinstance(source, Path) else pa.BufferReader(source)
    head = _first_line(source)
    cols = [c.strip().strip('"').lower() for c in head.split(",")]
    missing_cols = [c for c in COLUMNS if c not in cols]
    if missing_cols:
        raise ParseError(
            f"{label} line 1: header {head.strip()!r} lacks {', '.join(missing_cols)}; "
            "a telemetry CSV starts with the line time,station,sensor,value"
        )
    bad = _BadRows(label, report)
    try:
        reader = pacsv.open_csv(
            stream,
            read_options=pacsv.ReadOptions(use_threads=False, block_size=BLOCK_SIZE, skip_rows=1, column_names=cols),
            parse_options=pacsv.ParseOptions(invalid_row_handler=bad, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in cols},
                include_columns=list(COLUMNS),
                strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as e:
        raise ParseError(f"{label}: cannot read as CSV: {e}") from e
    seen = 0
    while True:
        try:
            rb = reader.read_next_batch()
        except StopIteration:
            break
        except pa.ArrowInvalid as e:  # e.g. an unterminated quote: nothing after it can be trusted
            report.reject(f"{label} after data row {seen}", f"CSV broken from here on: {e}")
            break
        n = rb.num_rows
        if n == 0:
            continue
        offset = seen
        seen += n
        t_col = pc.utf8_trim_whitespace(rb.column("time"))
        v_col = pc.utf8_trim_whitespace(rb.column("value"))
        st_raw = _trimmed(rb.column("station"))
        se_raw = _trimmed(rb.column("sensor"))
        t_raw = t_col.to_numpy(zero_copy_only=False)
        # blank lines come through as rows of empty fields: skip them, keeping line numbers right
        blank = (t_raw == "") & (st_raw == "") & (se_raw == "")
        keep = np.flatnonzero(~blank)
        if len(keep) < n:
            t_raw, st_raw, se_raw = t_raw[keep], st_raw[keep], se_raw[keep]
            v_col = v_col.take(pa.array(keep))
        val, miss, badv = parse_values(v_col)
        yield Incoming(
            station=st_raw,
            sensor=se_raw,
            t_ms=parse_times(t_raw),
            value=val,
            missing=miss,
            bad_value=badv,
            where=lambda i, o=offset, k=keep: f"{label} line {bad.line_of(o + int(k[i]))}",
            raw_time=lambda i, a=t_raw: str(a[i]),
            raw_value=lambda i, a=v_col: str(a[i].as_py()),
        )


def _first_line(source: Path | bytes) -> str:
    if isinstance(source, Path):
        with source.open("r", encoding="utf-8-sig", errors="replace") as f:
            return f.readline()
    return io.BytesIO(source).readline().decode("utf-8-sig", errors="replace")


def _trimmed(col: pa.Array) -> np.ndarray:
    return pc.utf8_trim_whitespace(col).to_numpy(zero_copy_only=False)
