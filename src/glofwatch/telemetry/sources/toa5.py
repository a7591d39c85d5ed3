"""Campbell Scientific TOA5 logger files (CR1000/CR3000/CR6 ``.dat``).

A TOA5 file has four header lines: the environment (``"TOA5",station,model,serial,os,program,
signature,table``), the column names, the units and the processing (Avg, Min, Tot, Smp...), then
one record a line: ``"TIMESTAMP","RECORD",<values>``. Missing values are ``"NAN"``. The logger
clock is local time; the site file says which zone (``loggers[].timezone``).

The site maps columns to sensors (``stations[].loggers[].columns``). A mapped column that is not in
the file, or whose unit differs from the sensor's, is a changed header: its values are rejected with
the reason, the other columns still import. Columns in the file that are neither mapped nor listed
under ``ignore`` are noted. Gaps in the RECORD counter (lost records, a logger restart) are noted.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from glofwatch.errors import ConfigError, ParseError
from glofwatch.site.model import LoggerMapping, Site, Station
from glofwatch.telemetry.batch import BAD_TIME, Incoming, IngestReport
from glofwatch.telemetry.sources.csv_long import parse_values
from glofwatch.units import same_unit


def is_toa5(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(6).lstrip(b"\xef\xbb\xbf") == b'"TOA5"'


def _header(path: Path) -> list[list[str]]:
    with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as f:
        lines = [f.readline() for _ in range(4)]
    return [next(csv.reader(io.StringIO(line))) if line.strip() else [] for line in lines]


def _tz(name: str) -> timezone | ZoneInfo:
    if name.upper() in ("UTC", "Z"):
        return UTC
    if name[:1] in "+-" and ":" in name:
        sign = 1 if name[0] == "+" else -1
        hh, mm = name[1:].split(":")
        return timezone(sign * timedelta(hours=int(hh), minutes=int(mm)))
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ConfigError(f"logger timezone '{name}' is neither an IANA zone (Asia/Bishkek) nor an offset (+06:00)") from e


def find_mapping(site: Site, logger: str, station_id: str | None) -> tuple[Station, LoggerMapping]:
    """The station and mapping for a TOA5 file's logger name (or the station given)."""
    cands = []
    for st in site.stations:
        if station_id is not None and st.id != station_id:
            continue
        for lg in st.loggers:
            if lg.format == "toa5" and (lg.logger is None or lg.logger == logger):
                cands.append((st, lg))
    if not cands:
        where = f"station '{station_id}'" if station_id else "any station"
        raise ParseError(
            f"logger '{logger}' is not mapped to {where} of site {site.id}: add to the station in site.yaml\n"
            f"  loggers: [{{format: toa5, logger: {logger}, columns: {{<TOA5 column>: <sensor id>, ...}}}}]"
        )
    if len(cands) > 1:
        raise ParseError(
            f"logger '{logger}' is mapped to several stations ({', '.join(c[0].id for c in cands)}); "
            "give the station with --station"
        )
    return cands[0]


def read_toa5(path: Path, site: Site, report: IngestReport, *, station_id: str | None = None) -> Iterator[Incoming]:
    """Yield the readings of a TOA5 file as :class:`Incoming` (long form: one row per value)."""
    head = _header(path)
    if not head[0] or head[0][0] != "TOA5":
        raise ParseError(f"{path.name} line 1: not a TOA5 file (it should start with \"TOA5\")")
    if len(head[1]) < 3 or head[1][0] != "TIMESTAMP":
        raise ParseError(f"{path.name} line 2: expected column names starting with TIMESTAMP,RECORD")
    logger = head[0][1] if len(head[0]) > 1 else ""
    names, units = head[1], head[2]
    if len(units) != len(names):
        raise ParseError(f"{path.name} line 3: {len(units)} units for {len(names)} columns; the header is damaged")
    station, mapping = find_mapping(site, logger, station_id)
    cmap = mapping.column_map()
    tz = _tz(mapping.timezone)
    unit_of = dict(zip(names, units, strict=True))

    usable: dict[str, tuple[str, float, float]] = {}
    for col, cm in cmap.items():
        spec = station.sensor(cm.sensor)
        assert spec is not None  # checked when the site loaded
        if col not in unit_of:
            report.reject(
                f"{path.name} line 2",
                f"header changed: column '{col}' (mapped to {station.id}/{cm.sensor}) is not in the file; "
                f"update loggers[].columns in the site file",
            )
            continue
        file_unit = unit_of[col]
        expected = cm.unit or spec.unit
        if file_unit and not same_unit(file_unit, expected):
            report.reject(
                f"{path.name} line 3",
                f"column '{col}' is in '{file_unit}' but {station.id}/{cm.sensor} expects '{expected}'; "
                f"set columns.{col}.unit/scale/offset in the site file to convert",
            )
            continue
        usable[col] = (cm.sensor, cm.scale, cm.offset)
    unmapped = [c for c in names[2:] if c not in cmap and c not in mapping.ignore]
    if unmapped:
        report.notes.append(
            f"{path.name}: {len(unmapped)} column(s) not mapped to sensors and not listed under ignore: "
            + ", ".join(unmapped)
        )

    bad_lines: list[tuple[int, str]] = []

    def on_bad(row: pacsv.InvalidRow) -> str:
        if row.text.strip():
            bad_lines.append((int(row.number or -1), f"expected {row.expected_columns} fields, found {row.actual_columns}"))
        return "skip"

    table = pacsv.read_csv(
        str(path),
        read_options=pacsv.ReadOptions(skip_rows=4, column_names=names, use_threads=False),
        parse_options=pacsv.ParseOptions(invalid_row_handler=on_bad),
        convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in names}, strings_can_be_null=False),
    )
    for line, why in bad_lines:
        report.reject(f"{path.name} line {line}", why)
    n = table.num_rows
    if n == 0:
        return
    ts_raw = table.column("TIMESTAMP").to_numpy(zero_copy_only=False)
    local = pd.to_datetime(pd.Series(ts_raw), format="%Y-%m-%d %H:%M:%S", errors="coerce")
    if isinstance(tz, ZoneInfo):
        utc = local.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC")
    else:
        utc = local.dt.tz_localize(tz).dt.tz_convert("UTC")
    t_ms = np.array(utc.dt.as_unit("ms").astype("int64"), dtype=np.int64)
    t_ms[utc.isna().to_numpy()] = BAD_TIME
    _note_record_gaps(path.name, table.column("RECORD").to_numpy(zero_copy_only=False), ts_raw, report)

    # data line of row i: 4 header lines, then one line a record (rows skipped as invalid shift it)
    skipped = sorted(ln for ln, _ in bad_lines if ln > 0)

    def line_of(i: int) -> int:
        line = i + 5
        for s in skipped:
            if s <= line:
                line += 1
        return line

    for col, (sensor, scale, offset) in usable.items():
        raw = table.column(col).to_numpy(zero_copy_only=False)
        val, miss, badv = parse_values(raw)
        if scale != 1.0 or offset != 0.0:
            val = val * scale + offset
        yield Incoming(
            station=np.full(n, station.id, dtype=object),
            sensor=np.full(n, sensor, dtype=object),
            t_ms=t_ms,
            value=val,
            missing=miss,
            bad_value=badv,
            where=lambda i, c=col: f"{path.name} line {line_of(i)} column {c}",
            raw_time=lambda i: str(ts_raw[i]),
            raw_value=lambda i, a=raw: str(a[i]),
        )
    report.stations.add(station.id)


def _note_record_gaps(name: str, rec_raw: np.ndarray, ts_raw: np.ndarray, report: IngestReport) -> None:
    rec = pd.to_numeric(pd.Series(rec_raw), errors="coerce").to_numpy()
    ok = np.isfinite(rec)
    if ok.sum() < 2:
        return
    r = rec[ok].astype(np.int64)
    ts = np.asarray(ts_raw)[ok]
    d = np.diff(r)
    gaps = np.flatnonzero(d > 1)
    resets = np.flatnonzero(d < 0)
    lost = int((d[gaps] - 1).sum()) if len(gaps) else 0
    if len(gaps):
        shown = "; ".join(f"after {ts[i]} ({int(d[i] - 1)} records)" for i in gaps[:5])
        report.notes.append(
            f"{name}: RECORD counter jumps {len(gaps)} time(s), {lost} record(s) lost: {shown}"
            + (" ..." if len(gaps) > 5 else "")
        )
    if len(resets):
        report.notes.append(f"{name}: RECORD counter restarts {len(resets)} time(s) (logger reset) at {ts[resets[0] + 1]}")
