"""Maintenance windows through the console API: open, list, end; roles, refusals with their fix, the audit log.

On SQLite and, with GLOFWATCH_TEST_PG_URL, PostgreSQL (the ``store`` fixture)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from glofwatch.clock import FixedClock
from glofwatch.console.audit import AuditLog
from glofwatch.site import Site
from glofwatch.store import Store
from tests.console.conftest import T0, login, make_app


@dataclass
class Console:
    client: TestClient
    clock: FixedClock
    audit: AuditLog
    csrf: str

    def post(self, path: str, body: dict[str, object]) -> Response:
        return self.client.post("/api/v1" + path, json=body, headers={"X-CSRF-Token": self.csrf})


@pytest.fixture
def console(site: Site, store: Store) -> Iterator[Console]:
    clock = FixedClock(T0)
    app = make_app(site, store, clock)
    with TestClient(app) as client:
        yield Console(client, clock, app.state.console.audit, login(client, "ivanov"))


def test_open_list_end_round_trip_is_audited(console: Console) -> None:
    c = console
    r = c.post("/maintenance", {"station": "lake-cha-1", "hours": 3, "reason": "re-mounting the pressure transducer"})
    assert r.status_code == 201, r.text
    w = r.json()
    assert w["station"] == "lake-cha-1" and w["sensor"] is None and w["by"] == "ivanov" and w["active"] is True
    assert (w["start"], w["end"]) == ("2025-07-27T08:00:00Z", "2025-07-27T11:00:00Z")  # from the console clock
    e = c.audit.entries(action="maintenance.open")
    assert len(e) == 1 and e[0].username == "ivanov" and e[0].role == "operator"
    assert e[0].target == "lake-cha-1" and e[0].reason == "re-mounting the pressure transducer"
    assert (e[0].detail["id"], e[0].detail["start"], e[0].detail["end"]) == (w["id"], w["start"], w["end"])

    # one sensor of another station, from a given start until a given end; a viewer sees both
    r2 = c.post("/maintenance", {"station": "gauge-cak", "sensor": "stage", "start": "2025-07-27T09:00:00Z",
                                 "until": "2025-07-27T10:30:00Z", "reason": "cleaning the radar"})
    assert r2.status_code == 201, r2.text
    assert c.audit.entries(action="maintenance.open")[0].target == "gauge-cak/stage"
    c.client.cookies.clear()
    login(c.client, "viewer1")
    listed = c.client.get("/api/v1/maintenance").json()
    assert [(x["station"], x["sensor"], x["active"]) for x in listed] == [("gauge-cak", "stage", False), ("lake-cha-1", None, True)]
    c.clock.advance(hours=1, minutes=30)  # 09:30: both in force
    assert [x["active"] for x in c.client.get("/api/v1/maintenance").json()] == [True, True]

    # the operator ends the first one early
    c.client.cookies.clear()
    c.csrf = login(c.client, "ivanov")
    r = c.post(f"/maintenance/{w['id']}/end", {"reason": "transducer back, reads as before"})
    assert r.status_code == 200, r.text
    ended = r.json()
    assert ended["end"] == "2025-07-27T09:30:00Z" and ended["ended_early"] is True and ended["active"] is False
    e = c.audit.entries(action="maintenance.end")
    assert len(e) == 1 and e[0].target == "lake-cha-1" and e[0].reason == "transducer back, reads as before"
    assert e[0].detail["id"] == w["id"] and e[0].detail["end"] == "2025-07-27T09:30:00Z"
    listed = {x["id"]: x for x in c.client.get("/api/v1/maintenance").json()}
    assert listed[w["id"]]["active"] is False and listed[w["id"]]["end"] == "2025-07-27T09:30:00Z"

    # a window that ended more than 24 h ago is no longer listed; one still to come is
    c.clock.advance(hours=25)
    c.csrf = login(c.client, "ivanov")  # the session has expired
    assert [x["station"] for x in c.client.get("/api/v1/maintenance").json()] == []
    r = c.post("/maintenance", {"station": "geo-cha", "start": "2025-07-29T06:00:00Z", "reason": "swapping the geophone"})
    assert r.status_code == 201
    assert [(x["station"], x["active"]) for x in c.client.get("/api/v1/maintenance").json()] == [("geo-cha", False)]


def test_a_viewer_cannot_open_or_end(console: Console) -> None:
    c = console
    w = c.post("/maintenance", {"station": "gauge-cha", "reason": "cleaning the radar"}).json()
    c.client.cookies.clear()
    c.csrf = login(c.client, "viewer1")
    r = c.post("/maintenance", {"station": "gauge-cha", "reason": "cleaning the radar"})
    assert r.status_code == 403 and "operator role" in r.json()["detail"]
    assert c.post(f"/maintenance/{w['id']}/end", {"reason": "done"}).status_code == 403
    assert len(c.client.get("/api/v1/maintenance").json()) == 1
    assert [x.action for x in c.audit.entries() if x.action.startswith("maintenance")] == ["maintenance.open"]


def test_refusals_name_the_problem_and_are_audited(console: Console) -> None:
    c = console
    r = c.post("/maintenance", {"station": "lake-nowhere", "reason": "re-mounting"})
    assert r.status_code == 422
    msg = r.json()["detail"]
    assert "no station 'lake-nowhere'" in msg and "lake-cha-1" in msg  # says which stations there are
    r = c.post("/maintenance", {"station": "lake-cak-1", "sensor": "stage", "reason": "re-mounting"})
    assert r.status_code == 422 and "no sensor 'stage'" in r.json()["detail"] and "water_level" in r.json()["detail"]
    r = c.post("/maintenance", {"station": "lake-cha-1", "hours": 80, "reason": "new mast"})
    assert r.status_code == 422
    assert "lake-cha-1 for 80.0 h" in r.json()["detail"] and "at most 72 h" in r.json()["detail"]
    r = c.post("/maintenance", {"station": "lake-cha-1", "until": "2025-07-27T07:00:00Z", "reason": "new mast"})
    assert r.status_code == 422 and "before it starts" in r.json()["detail"]
    r = c.post("/maintenance", {"station": "lake-cha-1", "start": "yesterday", "reason": "new mast"})
    assert r.status_code == 422 and "not an ISO 8601 time" in r.json()["detail"]
    r = c.post("/maintenance", {"station": "lake-cha-1", "hours": 2, "until": "2025-07-27T09:00:00Z", "reason": "x-y"})
    assert r.status_code == 422 and "not both" in r.json()["detail"]
    assert c.post("/maintenance", {"station": "lake-cha-1", "reason": "x"}).status_code == 422
    assert c.post("/maintenance", {"station": "lake-cha-1", "hours": 0, "reason": "new mast"}).status_code == 422
    assert c.client.get("/api/v1/maintenance").json() == []  # nothing was opened
    refused = c.audit.entries(action="maintenance.open.refused")
    assert len(refused) == 6  # the checks of the window; malformed bodies never reach the route
    assert refused[-1].target == "lake-nowhere" and refused[-1].detail["status"] == 422
    assert "no station 'lake-nowhere'" in refused[-1].detail["error"]
    assert refused[-2].target == "lake-cak-1/stage"


def test_ending_twice_or_an_unknown_window(console: Console) -> None:
    c = console
    w = c.post("/maintenance", {"station": "gauge-cha", "hours": 1.5, "reason": "cleaning the radar"}).json()
    c.clock.advance(minutes=20)
    assert c.post(f"/maintenance/{w['id']}/end", {"reason": "done early"}).status_code == 200
    r = c.post(f"/maintenance/{w['id']}/end", {"reason": "done early"})
    assert r.status_code == 409 and "already ended at 2025-07-27T08:20:00Z" in r.json()["detail"]
    r = c.post("/maintenance/999/end", {"reason": "done"})
    assert r.status_code == 404 and "no maintenance window 999" in r.json()["detail"]
    # a window that ran its course cannot be ended either
    w2 = c.post("/maintenance", {"station": "geo-cha", "hours": 1, "reason": "swapping the geophone"}).json()
    c.clock.advance(hours=2)
    assert c.post(f"/maintenance/{w2['id']}/end", {"reason": "late"}).status_code == 409
    assert [e.action for e in c.audit.entries() if e.action.startswith("maintenance")] == [
        "maintenance.end.refused", "maintenance.open", "maintenance.end.refused", "maintenance.end.refused",
        "maintenance.end", "maintenance.open"]
    assert [e.detail["status"] for e in c.audit.entries(action="maintenance.end.refused")] == [409, 404, 409]


def test_windows_opened_elsewhere_change_the_stations_fingerprint(site: Site, sqlite_store: Store) -> None:
    """A window opened or ended by another process (the CLI) makes open pages re-read the stations."""
    from glofwatch.clock import ms
    from glofwatch.console.app import _stations_fingerprint
    from glofwatch.telemetry import maintenance as mt

    now = ms(T0)
    fp0 = _stations_fingerprint(sqlite_store, site.id)
    w = mt.open_window(sqlite_store.engine, site, station="gauge-cha", sensor=None, start_ms=now, end_ms=now + mt.HOUR_MS,
                       reason="cleaning the radar", by="tech", now_ms=now)
    fp1 = _stations_fingerprint(sqlite_store, site.id)
    mt.end_window(sqlite_store.engine, site, w.id or 0, now_ms=now + 60_000)
    fp2 = _stations_fingerprint(sqlite_store, site.id)
    assert fp0 != fp1 != fp2
