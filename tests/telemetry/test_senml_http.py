"""SenML parsing (RFC 8428) and the HTTP ingest endpoint with station tokens."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as hs

from glofwatch.clock import FixedClock, ms
from glofwatch.telemetry.pipeline import Ingestor
from glofwatch.telemetry.senml import SenMLError, dump_pack, parse_pack
from glofwatch.telemetry.sources.http import ingest_app

NOW = datetime(2025, 7, 27, 9, 0, tzinfo=UTC)
T0 = ms(NOW) / 1000 - 600


def test_senml_base_fields_and_relative_time():
    pack = [
        {"bn": "lake-cha-1/", "bt": T0, "bu": "m", "n": "water_level", "v": 0.14},
        {"n": "water_level", "t": 300, "v": 0.15},
        {"n": "battery", "u": "V", "v": 12.7, "t": 300},
        {"bn": "", "n": "water_temperature", "t": -10, "bt": 0, "v": 3.0, "u": "Cel"},  # relative to now
    ]
    inc = parse_pack(orjson.dumps(pack), station="lake-cha-1", now_ms=ms(NOW), where="t")
    assert list(inc.sensor) == ["water_level", "water_level", "battery", "water_temperature"]
    assert list(inc.station) == ["lake-cha-1"] * 4
    assert inc.t_ms[1] - inc.t_ms[0] == 300_000
    assert inc.t_ms[3] == ms(NOW) - 10_000
    assert list(inc.unit) == ["m", "m", "V", "Cel"]


def test_senml_broken_records_carry_reasons():
    pack = [{"n": "water_level", "v": "high"}, {"n": "water_level", "vs": "x"}, {"v": 1}, 5,
            {"n": "other-station/water_level", "v": 1.0}, {"n": "water_level", "t": "noon", "v": 1}]
    inc = parse_pack(orjson.dumps(pack), station="lake-cha-1", now_ms=ms(NOW), where="t")
    assert inc.bad_value[0]
    assert "only numeric values" in inc.problem[1]
    assert "no name" in inc.problem[2]
    assert "not an object" in inc.problem[3]
    assert "names station 'other-station'" in inc.problem[4]
    assert "is not a number of seconds" in inc.problem[5]


@pytest.mark.parametrize("payload", [b"{not json", b'"a string"', b"42"])
def test_senml_not_a_pack(payload):
    with pytest.raises(SenMLError):
        parse_pack(payload, station="x", now_ms=0, where="topic glofwatch/s/x")


@settings(max_examples=50, deadline=None)
@given(hs.lists(hs.tuples(hs.sampled_from(["water_level", "battery"]),
                          hs.floats(1.6e9, 1.9e9, allow_nan=False),
                          hs.floats(-1e6, 1e6, allow_nan=False)), min_size=1, max_size=20))
def test_senml_round_trip(records):
    inc = parse_pack(dump_pack(records), station="lake-cha-1", now_ms=0, where="t")
    assert list(inc.sensor) == [r[0] for r in records]
    assert list(inc.t_ms) == [int(round(r[1] * 1000)) for r in records]
    assert inc.value.tolist() == pytest.approx([r[2] for r in records])


def test_unit_mismatch_rejected_per_record(sqlite_store, site):
    ing = Ingestor(site, sqlite_store, clock=FixedClock(NOW))
    pack = [{"bn": "gauge-cha/", "bt": T0, "n": "stage", "u": "cm", "v": 61}, {"n": "stage", "u": "m", "v": 0.61, "t": 60}]
    r = ing.ingest_senml(orjson.dumps(pack), station="gauge-cha", where="topic glofwatch/issyk-kul-demo/gauge-cha")
    assert r.accepted == 1 and r.rejected == 1
    assert r.rejections[0].where == "topic glofwatch/issyk-kul-demo/gauge-cha record 0"
    assert "unit 'cm' does not match sensor gauge-cha/stage unit 'm'" in r.rejections[0].reason


@pytest.fixture
def client_and_token(store, site):
    ing = Ingestor(site, store, clock=FixedClock(NOW))
    token = store.create_token(site, "lake-cha-1", now_ms=ms(NOW))
    return TestClient(ingest_app(ing)), token, store


def test_http_senml_with_token(client_and_token, site):
    client, token, store = client_and_token
    pack = [{"bn": "lake-cha-1/", "bt": T0, "n": "water_level", "v": 0.14}, {"n": "water_level", "t": 300, "v": "x"}]
    r = client.post("/api/v1/ingest", content=orjson.dumps(pack),
                    headers={"Authorization": f"Bearer {token}", "Content-Type": "application/senml+json"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["accepted"] == 1 and body["rejected"] == 1 and body["status"] == "partial"
    assert body["rejections"][0]["where"] == "HTTP from lake-cha-1 record 1"
    assert store.count(site) == 1


def test_http_csv_and_station_binding(client_and_token):
    client, token, _ = client_and_token
    body = ("time,station,sensor,value\n2025-07-27T08:50:00Z,lake-cha-1,water_level,0.2\n"
            "2025-07-27T08:50:00Z,gauge-cha,stage,0.6\n")
    r = client.post("/api/v1/ingest", content=body, headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"})
    assert r.status_code == 200
    d = r.json()
    assert d["accepted"] == 1 and d["rejected"] == 1
    assert "does not match this token's station 'lake-cha-1'" in d["rejections"][0]["reason"]
    assert d["rejections"][0]["where"] == "HTTP from lake-cha-1 line 3"


def test_http_wrong_token_type_and_all_bad(client_and_token, site):
    client, token, store = client_and_token
    assert client.post("/api/v1/ingest", content=b"[]", headers={"Content-Type": "application/json"}).status_code == 401
    r = client.post("/api/v1/ingest", content=b"[]", headers={"Authorization": "Bearer nope", "Content-Type": "application/json"})
    assert r.status_code == 401 and "unknown or revoked" in r.json()["detail"]
    r = client.post("/api/v1/ingest", content=b"x", headers={"Authorization": f"Bearer {token}", "Content-Type": "image/png"})
    assert r.status_code == 415
    r = client.post("/api/v1/ingest", content=b"{oops", headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    assert r.status_code == 422 and "not JSON" in r.json()["rejections"][0]["reason"]
    store.revoke_tokens(site.id, "lake-cha-1")
    r = client.post("/api/v1/ingest", content=b"[]", headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    assert r.status_code == 401
