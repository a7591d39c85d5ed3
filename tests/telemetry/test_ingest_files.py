"""File ingest through the one validation path, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from glofwatch.clock import FixedClock, ms
from glofwatch.site import load_site
from glofwatch.telemetry.pipeline import Ingestor
from glofwatch.telemetry.qc import Flag
from tests.conftest import DATA, shared_data

TOA5 = ("timeseries", "cosipy_hintereis_aws_toa5_cr3000_small.dat")
HEF_SITE = DATA / "telemetry" / "hintereis"

BAD_CSV = """time,station,sensor,value
2025-07-27T07:35:00Z,lake-cha-1,water_level,0.1432
2025-07-27T07:40:00Z,lake-cha-1,water_level,NAN
2025-07-27T07:45:00Z,lake-cha-1,water_level,
2025-07-27T07:50:00Z,lake-cha-1,water_level,abc
2025-07-27T07:55:00Z,lake-cha-9,water_level,0.15
2025-07-27T08:00:00Z,lake-cha-1,water_levle,0.15
this line is broken
2025-07-27 08:05,lake-cha-1,water_level,0.1440
not-a-time,lake-cha-1,water_level,0.15

2025-07-27T08:10:00Z,lake-cha-1,water_level,0.1445,extra
2025-07-27T08:15:00+06:00,gauge-cha,stage,0.61
2025-07-27T07:35:00Z,lake-cha-1,water_level,0.1432
"""


@pytest.fixture
def clock():
    from datetime import UTC, datetime

    return FixedClock(datetime(2025, 7, 27, 9, 0, tzinfo=UTC))


def test_bad_rows_reported_with_line_and_reason_valid_rows_kept(store, site, tmp_path, clock):
    f = tmp_path / "bad.csv"
    f.write_text(BAD_CSV)
    r = Ingestor(site, store, clock=clock).ingest_file(f)
    reasons = {x.where: x.reason for x in r.rejections}
    assert r.accepted == 3  # 07:35, 08:05 (naive = UTC), gauge 02:15Z
    assert r.duplicates == 1  # line 15 repeats line 2
    assert r.missing == 2  # NAN and empty
    assert reasons["bad.csv line 5"].startswith("value 'abc' is not a number")
    assert "unknown station 'lake-cha-9'; did you mean 'lake-cha-1'?" in reasons["bad.csv line 6"]
    assert "has no sensor 'water_levle'; did you mean 'water_level'?" in reasons["bad.csv line 7"]
    assert "expected 4 fields" in reasons["bad.csv line 8"]
    assert "time 'not-a-time' is not an ISO 8601 timestamp" in reasons["bad.csv line 10"]
    assert "found 5" in reasons["bad.csv line 12"]
    assert r.rejected == 6 and r.status == "partial"
    assert store.count(site) == 3


def test_same_file_twice_adds_nothing(store, site, tmp_path, clock):
    from datetime import UTC, datetime

    from glofwatch.sim.day import quiet_day

    f = tmp_path / "day.csv"
    df = quiet_day(site, datetime(2025, 7, 26, tzinfo=UTC), hours=6, seed=1)
    df.to_csv(f, index=False)
    ing = Ingestor(site, store, clock=clock)
    first = ing.ingest_file(f)
    assert first.accepted == len(df) and first.rejected == 0
    second = ing.ingest_file(f)
    assert second.accepted == 0 and second.duplicates == len(df)
    assert store.count(site) == len(df)


def test_shuffled_input_gives_same_store_as_sorted(store, site, tmp_path, clock):
    from datetime import UTC, datetime

    from glofwatch.sim.day import quiet_day

    df = quiet_day(site, datetime(2025, 7, 26, tzinfo=UTC), hours=3, seed=2)
    f = tmp_path / "shuffled.csv"
    df.sample(frac=1.0, random_state=3).to_csv(f, index=False)
    r = Ingestor(site, store, clock=clock).ingest_file(f)
    assert r.accepted == len(df)
    latest = {(x["station"], x["sensor"]): x for x in store.latest(site)}
    last = df.groupby(["station", "sensor"]).tail(1).set_index(["station", "sensor"])
    for (st, se), row in last.iterrows():
        assert latest[(st, se)]["value"] == pytest.approx(row["value"])


def test_toa5_real_cr3000_export_imports(store, tmp_path, clock):
    src = shared_data(*TOA5)
    hef = load_site(HEF_SITE)
    r = Ingestor(hef, store, clock=clock).ingest_file(src)
    assert r.rejected == 0, r.rejections
    assert r.missing == 48  # the file's "NAN" values
    assert r.accepted == 1641 * 8 - 48
    assert r.as_dict()["first"] == "2018-05-25T00:40:00Z" and r.as_dict()["last"] == "2018-06-05T10:00:00Z"
    w = store.window(hef, "aws-hef", "battery", ms_iso("2018-05-25T00:40:00Z"), ms_iso("2018-05-25T00:50:00Z"))
    assert w["value"].iloc[0] == pytest.approx(12.43)  # Batt_Min of the first record
    again = Ingestor(hef, store, clock=clock).ingest_file(src)
    assert again.accepted == 0 and again.duplicates == r.accepted


def ms_iso(s: str) -> int:
    from datetime import datetime

    return ms(datetime.fromisoformat(s.replace("Z", "+00:00")))


def _toa5_copy(tmp_path: Path, edit) -> Path:
    lines = shared_data(*TOA5).read_text().splitlines()
    lines = edit(lines)
    p = tmp_path / "hef.dat"
    p.write_text("\n".join(lines) + "\n")
    return p


def test_toa5_changed_header_rejects_that_column_keeps_others(sqlite_store, tmp_path, clock):
    hef = load_site(HEF_SITE)

    def rename(lines):
        lines[1] = lines[1].replace('"Tair_Avg"', '"Tair_Avg2"')
        return lines

    r = Ingestor(hef, sqlite_store, clock=clock).ingest_file(_toa5_copy(tmp_path, rename))
    assert any("header changed: column 'Tair_Avg'" in x.reason for x in r.rejections)
    assert any("Tair_Avg2" in n for n in r.notes)  # the new column is named
    assert r.accepted == 1641 * 7 - 48
    assert r.status == "partial"


def test_toa5_unit_change_is_refused(sqlite_store, tmp_path, clock):
    hef = load_site(HEF_SITE)

    def units(lines):
        lines[2] = lines[2].replace('"mbar"', '"Pa"')
        return lines

    r = Ingestor(hef, sqlite_store, clock=clock).ingest_file(_toa5_copy(tmp_path, units))
    assert any("'Press_Avg' is in 'Pa' but aws-hef/air_pressure expects 'hPa'" in x.reason for x in r.rejections)


def test_toa5_record_jumps_are_noted_and_logger_mapping_required(sqlite_store, tmp_path, clock, site):
    def drop(lines):
        return lines[:100] + lines[112:]

    p = _toa5_copy(tmp_path, drop)
    hef = load_site(HEF_SITE)
    r = Ingestor(hef, sqlite_store, clock=clock).ingest_file(p)
    assert any("RECORD counter jumps 1 time(s), 12 record(s) lost" in n for n in r.notes)
    # the demo site has no station for this logger: the fix is named
    r2 = Ingestor(site, sqlite_store, clock=clock).ingest_file(p)
    assert r2.status == "failed" and "loggers: [{format: toa5, logger: cr3000_HefStation" in r2.rejections[0].reason


def test_qc_flags_stored_not_deleted(store, site, tmp_path, clock):
    rows = ["time,station,sensor,value"]
    levels = [0.10, 0.11, 0.10, 3.50, 0.11, 0.12, 9.0]  # a spike at 07:15 and 9.0 out of the valid range
    for i, v in enumerate(levels):
        rows.append(f"2025-07-27T07:{i * 5:02d}:00Z,lake-cha-1,water_level,{v}")
    rows.append("2030-01-01T00:00:00Z,lake-cha-1,water_level,0.1")  # future
    rows.append("1990-01-01T00:00:00Z,lake-cha-1,water_level,0.1")  # reset logger clock
    f = tmp_path / "qc.csv"
    f.write_text("\n".join(rows) + "\n")
    r = Ingestor(site, store, clock=clock).ingest_file(f)
    assert r.accepted == 9
    assert r.flagged["spike"] == 1 and r.flagged["range"] == 1 and r.flagged["future"] == 1 and r.flagged["past"] == 1
    w = store.window(site, "lake-cha-1", "water_level", 0, ms_iso("2031-01-01T00:00:00Z"))
    assert len(w) == 9
    by_value = dict(zip(w["value"], w["flags"], strict=True))
    assert by_value[3.5] & Flag.SPIKE and by_value[9.0] & Flag.RANGE


def test_spike_at_batch_end_is_flagged_when_its_successor_arrives(store, site, tmp_path, clock):
    ing = Ingestor(site, store, clock=clock)
    a = tmp_path / "a.csv"
    a.write_text("time,station,sensor,value\n2025-07-27T07:00:00Z,gauge-cha,stage,0.6\n"
                 "2025-07-27T07:05:00Z,gauge-cha,stage,0.61\n2025-07-27T07:10:00Z,gauge-cha,stage,4.0\n")
    ing.ingest_file(a)
    w = store.window(site, "gauge-cha", "stage", 0, ms_iso("2026-01-01T00:00:00Z"))
    assert int(w["flags"].iloc[-1]) & Flag.SPIKE == 0  # not yet judged
    b = tmp_path / "b.csv"
    b.write_text("time,station,sensor,value\n2025-07-27T07:15:00Z,gauge-cha,stage,0.62\n")
    ing.ingest_file(b)
    w = store.window(site, "gauge-cha", "stage", 0, ms_iso("2026-01-01T00:00:00Z"))
    assert int(w["flags"].iloc[2]) & Flag.SPIKE


def test_cli_ingest_json(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from glofwatch.cli import app

    f = tmp_path / "bad.csv"
    f.write_text(BAD_CSV)
    res = CliRunner().invoke(app, ["ingest", str(f), "--database", str(tmp_path / "db.sqlite"), "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert {"accepted", "duplicates", "missing", "rejected", "rejections"} <= set(d)
    assert d["missing"] == 2 and d["rejected"] == 6
    assert all({"where", "reason"} <= set(x) for x in d["rejections"])


def test_unreadable_file_is_reported_not_raised(sqlite_store, site, tmp_path, clock):
    r = Ingestor(site, sqlite_store, clock=clock).ingest_file(tmp_path / "missing.csv")
    assert r.status == "failed" and "cannot read" in r.rejections[0].reason
    shutil.copy(DATA / "telemetry" / "hintereis" / "site.yaml", tmp_path / "x.csv")
    r = Ingestor(site, sqlite_store, clock=clock).ingest_file(tmp_path / "x.csv")
    assert r.status == "failed" and "time,station,sensor,value" in r.rejections[0].reason


@pytest.mark.postgres
def test_pg_copy_falls_back_when_a_concurrent_writer_stored_the_same_reading(pg_store):
    """COPY straight into observations conflicts if another worker stored a reading meanwhile:
    the batch is then stored through ON CONFLICT DO NOTHING, keeping the new rows."""
    import numpy as np

    sid = np.array([1, 1], dtype=np.int64)
    t = np.array([1_000, 2_000], dtype=np.int64)
    v = np.array([0.5, 0.6])
    f = np.zeros(2, dtype=np.int32)
    with pg_store.engine.begin() as conn:
        cur = conn.connection.dbapi_connection.cursor()
        assert pg_store._bulk_insert(conn, cur, sid[:1], t[:1], v[:1], f[:1], 5) == 1
    with pg_store.engine.begin() as conn:
        cur = conn.connection.dbapi_connection.cursor()
        assert pg_store._bulk_insert(conn, cur, sid, t, v, f, 6) == 1  # only the 2 s reading is new
    with pg_store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM observations").scalar_one() == 2
