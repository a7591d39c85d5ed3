"""``glofwatch maintenance start|end|list`` through typer's CliRunner on a temporary SQLite database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest
from click.testing import Result
from rich.console import Console
from typer.testing import CliRunner

from glofwatch.cli import app
from glofwatch.clock import SystemClock
from glofwatch.console.audit import AuditLog
from glofwatch.store import open_store
from glofwatch.telemetry import maintenance_cli


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(maintenance_cli, "console", Console(width=200))  # the table on one line per window
    return str(tmp_path / "m.sqlite")


def run(db: str, *args: str, by_env: bool = False) -> Result:
    """The command on ``db``: through --database, or through $GLOFWATCH_DATABASE_URL with ``by_env``."""
    argv = ["maintenance", *args] if by_env else ["maintenance", args[0], "--database", db, *args[1:]]
    return CliRunner().invoke(app, argv, env={"GLOFWATCH_DATABASE_URL": db} if by_env else {})


def text(r: Result) -> str:
    return " ".join(r.output.split())  # rich wraps long lines at 80 columns


def listed(db: str) -> list[dict[str, object]]:
    r = run(db, "list", "--json")
    assert r.exit_code == 0, r.output
    return orjson.loads(r.stdout)  # type: ignore[no-any-return]


def test_start_list_end_round_trip_is_audited(db: str) -> None:
    r = run(db, "start", "--station", "lake-cha-1", "--reason", "re-mounting the transducer", "--by", "tech1")
    assert r.exit_code == 0, r.output
    assert "maintenance window 1 opened: lake-cha-1 (all sensors)" in text(r)
    until = (datetime.now(UTC) + timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    r = run(db, "start", "--station", "gauge-cak", "--sensor", "stage", "--until", until, "--reason", "cleaning the radar",
            by_env=True)  # the database from $GLOFWATCH_DATABASE_URL, the user from the OS
    assert r.exit_code == 0, r.output

    w = listed(db)
    assert [(x["id"], x["station"], x["sensor"], x["active"], x["by"]) for x in w] == [
        (2, "gauge-cak", "stage", True, maintenance_cli._who(None)), (1, "lake-cha-1", None, True, "tech1")]
    assert w[0]["end"] == until
    assert w[1]["end_ms"] - w[1]["start_ms"] == 2 * 3_600_000  # type: ignore[operator]  # the default: 2 h from now
    table = run(db, "list", by_env=True)
    assert table.exit_code == 0
    lines = [ln for ln in table.output.splitlines() if "lake-cha-1" in ln]
    assert len(lines) == 1 and "all sensors" in lines[0] and "yes" in lines[0] and "tech1" in lines[0]
    assert "re-mounting the transducer" in lines[0]

    r = run(db, "end", "1", "--reason", "transducer back", "--by", "tech1")
    assert r.exit_code == 0, r.output
    assert "maintenance window 1 of lake-cha-1 (all sensors) ended at" in text(r)
    ended = next(x for x in listed(db) if x["id"] == 1)
    assert ended["active"] is False and ended["ended_early"] is True
    line = next(ln for ln in run(db, "list").output.splitlines() if "lake-cha-1" in ln)
    assert "no (ended early)" in line

    audit = AuditLog(open_store(db).engine, SystemClock()).entries()
    assert [(e.action, e.username, e.role, e.target, e.reason) for e in audit] == [
        ("maintenance.end", "tech1", "cli", "lake-cha-1", "transducer back"),
        ("maintenance.open", maintenance_cli._who(None), "cli", "gauge-cak/stage", "cleaning the radar"),
        ("maintenance.open", "tech1", "cli", "lake-cha-1", "re-mounting the transducer")]
    assert audit[1].detail["end"] == until and audit[2].detail["id"] == 1


def test_errors_print_the_fix_and_exit_non_zero(db: str) -> None:
    r = run(db, "start", "--station", "lake-cha-9", "--reason", "re-mounting")
    assert r.exit_code == 2 and isinstance(r.exception, SystemExit)  # a message, not a traceback
    assert "no station 'lake-cha-9'" in text(r) and "lake-cha-1" in text(r) and "Traceback" not in r.output
    r = run(db, "start", "--station", "lake-cak-1", "--sensor", "stage", "--reason", "re-mounting")
    assert r.exit_code == 2 and "station lake-cak-1 has no sensor 'stage'; its sensors: water_level, battery" in text(r)
    r = run(db, "start", "--station", "lake-cak-1", "--hours", "73", "--reason", "new mast")
    assert r.exit_code == 2 and "at most 72 h" in text(r)
    r = run(db, "start", "--station", "lake-cak-1", "--hours", "2", "--until", "2030-01-01T00:00Z", "--reason", "new mast")
    assert r.exit_code == 2 and "not both" in text(r)
    r = run(db, "start", "--station", "lake-cak-1", "--start", "tomorrow", "--reason", "new mast")
    assert r.exit_code == 2 and "--start 'tomorrow' is not an ISO 8601 time" in text(r)
    r = run(db, "start", "--station", "lake-cak-1", "--reason", "x")
    assert r.exit_code == 2 and "at least 3 characters" in text(r)
    assert listed(db) == []

    assert run(db, "start", "--station", "geo-cha", "--hours", "1", "--reason", "new geophone").exit_code == 0
    assert run(db, "end", "1", "--reason", "done").exit_code == 0
    r = run(db, "end", "1", "--reason", "done")
    assert r.exit_code == 2 and "maintenance window 1 of geo-cha already ended" in text(r) and "Traceback" not in r.output
    r = run(db, "end", "5", "--reason", "done")
    assert r.exit_code == 2 and "no maintenance window 5" in text(r)
    audit = AuditLog(open_store(db).engine, SystemClock()).entries()
    assert [e.action for e in audit] == ["maintenance.end.refused", "maintenance.end.refused", "maintenance.end",
                                         "maintenance.open", "maintenance.open.refused", "maintenance.open.refused",
                                         "maintenance.open.refused"]  # the site's checks; input errors stop before
    assert audit[-1].target == "lake-cha-9" and "no station" in audit[-1].detail["error"]
