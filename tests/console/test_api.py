"""The console API over HTTP (in-process ASGI client): login, roles, CSRF, audit, data routes, alerts, CAP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from glofwatch.clock import FixedClock
from glofwatch.console.demo import seed_quiet_day
from glofwatch.site import Site
from glofwatch.store import Store
from tests.console.conftest import PASSWORD, T0, login, make_app

# the page (a login form), the CAP feed, login itself, and station ingest (station tokens, tested by telemetry)
PUBLIC = {"/", "/cap/feed.atom", "/cap/{alert_id}.xml", "/api/v1/auth/login", "/api/v1/ingest"}


def test_nothing_but_the_cap_feed_works_without_login(app: FastAPI, client: TestClient) -> None:
    checked = 0
    for route, ops in app.openapi()["paths"].items():
        if route in PUBLIC:
            continue
        path = route.replace("{", "").replace("}", "")
        for m in ops:
            resp = client.request(m.upper(), path, json={})
            assert resp.status_code == 401, (m, route, resp.status_code)
            checked += 1
    assert checked >= 15
    assert client.get("/cap/feed.atom").status_code == 200
    assert client.get("/").status_code == 200  # the login page itself
    assert client.get("/openapi.json").status_code == 200


def test_login_cookie_csrf_and_logout(client: TestClient) -> None:
    r = client.post("/api/v1/auth/login", json={"username": "ivanov", "password": "wrong password"})
    assert r.status_code == 401
    login(client)
    cookie = client.cookies.get("glofwatch_session")
    assert cookie and len(cookie) > 30
    set_cookie = client.post("/api/v1/auth/login", json={"username": "ivanov", "password": PASSWORD}).headers["set-cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=strict" in set_cookie
    assert client.get("/api/v1/auth/me").json()["role"] == "operator"
    body = {"level": "watch", "zones": ["cha-town"], "reason": "lake rising", "drill": True}
    assert client.post("/api/v1/alerts", json=body).status_code == 403  # cookie without CSRF header: refused
    assert client.post("/api/v1/alerts", json=body, headers={"X-CSRF-Token": "forged"}).status_code == 403
    client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": login(client)})
    assert client.get("/api/v1/site").status_code == 401


def test_bearer_tokens_for_other_systems_need_no_csrf(client: TestClient) -> None:
    r = client.post("/api/v1/auth/login", json={"username": "ivanov", "password": PASSWORD, "bearer": True})
    tok = r.json()["token"]
    assert tok and "set-cookie" not in r.headers
    client.cookies.clear()
    h = {"Authorization": f"Bearer {tok}"}
    r = client.post("/api/v1/alerts", headers=h, json={"level": "advisory", "zones": ["cak-grig"], "reason": "exercise", "drill": True})
    assert r.status_code == 201, r.text


def test_roles_and_the_audit_log(client: TestClient) -> None:
    csrf = login(client, "viewer1")
    h = {"X-CSRF-Token": csrf}
    assert client.get("/api/v1/stations").status_code == 200
    r = client.post("/api/v1/alerts", headers=h, json={"level": "evacuate", "zones": ["cha-town"], "reason": "x" * 5})
    assert r.status_code == 403 and "operator" in r.json()["detail"]
    assert client.get("/api/v1/audit").status_code == 403

    h = {"X-CSRF-Token": login(client, "ivanov")}
    r = client.post("/api/v1/alerts", headers=h, json={"level": "evacuate", "hazard": "glof", "lake": "cha-1",
                                                       "zones": ["cha-town", "cha-shore"], "reason": "level +40 cm in 1 h"})
    assert r.status_code == 201, r.text
    a = r.json()["alert"]
    assert a["level"] == "evacuate" and a["status"] == "Actual" and a["active"] and r.json()["deliveries_planned"] > 0
    r = client.post(f"/api/v1/alerts/{a['id']}/cancel", headers=h, json={"reason": "sensor fault, lake is stable"})
    assert r.status_code == 200, r.text
    r = client.post(f"/api/v1/alerts/{a['id']}/cancel", headers=h, json={"reason": "again"})
    assert r.status_code == 409  # the lifecycle refuses, and says why
    log = client.get("/api/v1/audit").json()
    assert [(e["action"], e["username"]) for e in log[:3]] == [
        ("alert.cancel.refused", "ivanov"), ("alert.cancel", "ivanov"), ("alert.issue", "ivanov")]
    assert log[2]["reason"] == "level +40 cm in 1 h" and log[2]["target"] == a["id"]
    assert log[1]["reason"] == "sensor fault, lake is stable"

    h = {"X-CSRF-Token": login(client, "admin1")}
    assert client.post("/api/v1/users", headers=h, json={"username": "petrov", "password": PASSWORD, "role": "operator"}).status_code == 201
    assert client.post("/api/v1/users", headers=h, json={"username": "petrov", "password": PASSWORD, "role": "operator"}).status_code == 409
    assert client.get("/api/v1/audit", params={"action": "user.add"}).json()[0]["target"] == "petrov"


def test_alert_validation_names_the_problem(client: TestClient) -> None:
    h = {"X-CSRF-Token": login(client)}
    r = client.post("/api/v1/alerts", headers=h, json={"level": "evacuate", "zones": ["atlantis"], "reason": "test"})
    assert r.status_code == 422 and "atlantis" in r.json()["detail"] and "cha-town" in r.json()["detail"]
    r = client.post("/api/v1/alerts", headers=h, json={"level": "evacuate", "zones": ["cha-town"], "reason": ""})
    assert r.status_code == 422
    assert client.get("/api/v1/alerts/nope").status_code == 404


def test_login_attempts_are_rate_limited(client: TestClient) -> None:
    for _ in range(5):
        assert client.post("/api/v1/auth/login", json={"username": "ivanov", "password": "guess"}).status_code == 401
    r = client.post("/api/v1/auth/login", json={"username": "ivanov", "password": PASSWORD})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0


def test_drill_zones_map_cap_feed_and_evacuation(site: Site, store: Store) -> None:
    """On SQLite and PostgreSQL: a drill colours its zones, is in the public feed, and has an evacuation board."""
    with TestClient(make_app(site, store)) as client:
        h = {"X-CSRF-Token": login(client)}
        r = client.post("/api/v1/alerts", headers=h, json={"level": "evacuate", "zones": ["cha-upper"], "reason": "drill",
                                                           "drill": True})
        a = r.json()["alert"]
        assert a["status"] == "Exercise" and a["drill"]
        zones = {f["properties"]["id"]: f["properties"] for f in client.get("/api/v1/geo/zones").json()["features"]}
        assert zones["cha-upper"]["level"] == "evacuate" and zones["cha-upper"]["drill"] is True
        assert zones["cha-town"]["level"] is None
        client.cookies.clear()
        feed = client.get("/cap/feed.atom")
        assert feed.status_code == 200 and a["id"] in feed.text and feed.headers["content-type"].startswith("application/atom+xml")
        cap = client.get(f"/cap/{a['id']}.xml")
        assert "<status>Exercise</status>" in cap.text
        login(client)
        ev = client.get(f"/api/v1/evacuation/{a['id']}").json()
        n = sum(1 for hh in site.households if hh.zone == "cha-upper")
        assert ev["counts"]["households_targeted"] == n
        assert all(x["vulnerable"] > 0 or x["answer"] == "need_help" for x in ev["needs_help"])
        vul = [x["vulnerable"] for x in ev["needs_help"]]
        assert vul == sorted(vul, reverse=True)  # vulnerable first
        d = client.get("/api/v1/deliveries", params={"alert": a["id"]}).json()
        assert d and {x["status"] for x in d} == {"pending"}  # planned in the same transaction, nothing sent yet


def test_stations_series_and_geojson(site: Site, sqlite_store: Store) -> None:
    clock = FixedClock(T0)
    seed_quiet_day(site, sqlite_store, T0, silent=("gauge-cak",))
    with TestClient(make_app(site, sqlite_store, clock)) as client:
        login(client, "viewer1")
        st = {s["station"]: s for s in client.get("/api/v1/stations").json()}
        assert st["lake-cha-1"]["state"] == "ok" and st["gauge-cak"]["state"] == "silent"
        assert {x["sensor"] for x in st["lake-cha-1"]["sensors"]} == {"water_level", "water_temperature", "battery"}
        r = client.get("/api/v1/stations/lake-cha-1/water_level/series",
                       params={"start": (T0 - timedelta(hours=6)).isoformat(), "end": T0.isoformat(), "every": "1h"})
        d = r.json()
        assert r.status_code == 200 and len(d["t_ms"]) == 6 and all(v is not None for v in d["value"]) and d["unit"] == "m"
        assert client.get("/api/v1/stations/lake-cha-1/nothing/series").status_code == 404
        assert client.get("/api/v1/stations/lake-cha-1/water_level/series", params={"every": "1s"}).status_code == 422
        assert client.get("/api/v1/stations/lake-cha-1/water_level/series", params={"every": "soon"}).status_code == 422
        assert client.get("/api/v1/stations/lake-cha-1/water_level/series", params={"start": "yesterday"}).status_code == 422
        stations = client.get("/api/v1/geo/stations").json()
        assert {f["properties"]["id"]: f["properties"]["state"] for f in stations["features"]}["gauge-cak"] == "silent"
        hh = client.get("/api/v1/geo/households").json()["features"]
        assert len(hh) == len(site.households) and not {"phone", "email", "telegram_chat_id"} & set(hh[0]["properties"])
        paths = client.get("/api/v1/geo/flow_paths").json()["features"]
        assert {p["properties"]["lake"] for p in paths} == {"cha-1", "cha-2", "cak-1"}
        assert client.get("/api/v1/geo/rivers").status_code == 422
        lakes = {x["id"]: x for x in client.get("/api/v1/lakes").json()}
        assert lakes["cha-1"]["zones"] == {"cha-upper": 18.0, "cha-town": 20.0, "cha-shore": 22.5}
        assert lakes["cha-1"]["hazard"] and lakes["cha-1"]["history"] == []  # site area only: no mapped history yet
        s = client.get("/api/v1/site").json()
        assert s["languages"] == ["ky", "ru", "en"] and s["alerting"] is True


@pytest.mark.parametrize("path", ["/", "/static/console.js", "/static/vendor/leaflet/leaflet.js", "/static/vendor/uplot/uPlot.iife.min.js"])
def test_console_ships_its_own_files(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "http://" not in r.text.split("sourceMappingURL")[0][:200_000].replace("http://www.w3.org", "")


def test_station_tokens_and_user_sessions_do_not_mix(site: Site, sqlite_store: Store, client: TestClient) -> None:
    station_token = sqlite_store.create_token(site, "lake-cha-1", now_ms=0)
    assert client.get("/api/v1/site", headers={"Authorization": f"Bearer {station_token}"}).status_code == 401
    body = "time,station,sensor,value\n2025-07-27T07:50:00Z,lake-cha-1,water_level,0.12\n"
    r = client.post("/api/v1/ingest", content=body, headers={"Authorization": f"Bearer {station_token}", "Content-Type": "text/csv"})
    assert r.status_code == 200 and r.json()["accepted"] == 1
    user_token = client.post("/api/v1/auth/login", json={"username": "admin1", "password": PASSWORD, "bearer": True}).json()["token"]
    r = client.post("/api/v1/ingest", content=body, headers={"Authorization": f"Bearer {user_token}", "Content-Type": "text/csv"})
    assert r.status_code == 401


def test_latest_state_fast_path_gives_the_routed_answer(client: TestClient) -> None:
    tok = client.post("/api/v1/auth/login", json={"username": "ivanov", "password": PASSWORD, "bearer": True}).json()["token"]
    h = {"Authorization": f"Bearer {tok}"}
    snaps = client.app.state.console.snapshots  # type: ignore[attr-defined]
    first = client.get("/api/v1/geo/zones", headers=h)  # routed: builds the snapshot
    assert snaps.peek("geo:zones", ("alerts",)) == first.content
    again = client.get("/api/v1/geo/zones", headers=h)  # fast path
    assert again.content == first.content and again.headers["content-type"] == first.headers["content-type"]
    assert again.headers["content-security-policy"] == first.headers["content-security-policy"]
    # an alert changes the zones at once, not after the snapshot's age
    r = client.post("/api/v1/alerts", headers=h, json={"level": "warning", "zones": ["cha-shore"], "reason": "rain", "drill": True})
    assert r.status_code == 201
    z = {f["properties"]["id"]: f["properties"]["level"] for f in client.get("/api/v1/geo/zones", headers=h).json()["features"]}
    assert z["cha-shore"] == "warning"
    assert client.get("/api/v1/alerts?active=true", headers=h).json()[0]["id"] == r.json()["alert"]["id"]
    # a closed session is not served from the fast path either
    client.post("/api/v1/auth/logout", headers=h)
    assert client.get("/api/v1/geo/zones", headers=h).status_code == 401
    assert client.get("/api/v1/stations", headers={"Authorization": "Bearer forged"}).status_code == 401


def test_update_escalates_and_is_audited(client: TestClient) -> None:
    h = {"X-CSRF-Token": login(client)}
    a = client.post("/api/v1/alerts", headers=h, json={"level": "watch", "zones": ["cak-grig"], "lake": "cak-1",
                                                       "reason": "lake rising", "drill": True}).json()["alert"]
    r = client.post(f"/api/v1/alerts/{a['id']}/update", headers=h, json={"level": "evacuate", "reason": "level falling fast"})
    assert r.status_code == 200, r.text
    new = r.json()["alert"]
    assert new["level"] == "evacuate" and new["msg_type"] == "Update" and new["status"] == "Exercise"
    thread = client.get(f"/api/v1/alerts/{new['id']}").json()["thread"]
    assert [x["level"] for x in thread] == ["watch", "evacuate"]
    assert [x["id"] for x in client.get("/api/v1/alerts?active=true").json()] == [new["id"]]
    e = client.get("/api/v1/audit").json()[0]
    assert (e["action"], e["target"], e["reason"]) == ("alert.update", new["id"], "level falling fast")
    r = client.post(f"/api/v1/alerts/{a['id']}/update", headers=h, json={"zones": ["nowhere"], "reason": "typo"})
    assert r.status_code == 422
