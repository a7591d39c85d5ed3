"""The MQTT worker's pure parts: batch SenML decoding (checked against parse_pack), topics, URLs, batching."""

from __future__ import annotations

from typing import Any

import numpy as np
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from glofwatch.clock import FixedClock, ms
from glofwatch.errors import GlofwatchError
from glofwatch.site import Site
from glofwatch.store import Store
from glofwatch.telemetry.batch import IngestReport, Rejection
from glofwatch.telemetry.pipeline import Ingestor
from glofwatch.telemetry.senml import SenMLError, parse_pack
from glofwatch.telemetry.senml_batch import _Columns, _fast, decode_packs
from glofwatch.telemetry.sources.mqtt import (
    Message,
    MqttSettings,
    ingest_messages,
    is_transient,
    parse_broker_url,
    rejections_by_message,
    station_of_topic,
)

NOW_MS = 1_753_617_600_000

# records drawn from plain and awkward SenML: the decoder must agree with parse_pack on all of them
names = hs.sampled_from(["water_level", "battery", "lake-cha-1/water_level", "urn:dev:x:lake-cha-1/battery",
                         "geo-cha/battery", "", "a/b/c"])
numbers = hs.one_of(hs.integers(-10**6, 2 * 10**9), hs.floats(-1e9, 2e9, allow_nan=False), hs.booleans())
record = hs.fixed_dictionaries({}, optional={
    "bn": hs.sampled_from(["", "lake-cha-1/", "geo-cha/", "urn:dev:"]), "n": names, "bt": numbers, "t": numbers,
    "v": hs.one_of(hs.none(), numbers, hs.text(max_size=3)), "u": hs.one_of(hs.sampled_from(["m", "cm", "V", "Cel"]), hs.just([1]), hs.just(7)),
    "bu": hs.sampled_from(["m", "V"]), "vs": hs.just("x"), "bv": numbers, "s": numbers, "ut": hs.integers(0, 10),
})
plain_record = hs.fixed_dictionaries({"n": hs.sampled_from(["water_level", "battery", "lake-cha-1/battery"])}, optional={
    "bn": hs.sampled_from(["", "lake-cha-1/"]), "bt": hs.one_of(hs.integers(0, 2 * 10**9), hs.floats(0, 2e9)),
    "t": hs.one_of(hs.integers(-1000, 1000), hs.floats(-1e3, 1e3)), "v": hs.one_of(hs.none(), hs.floats(-1e6, 1e6)),
    "u": hs.sampled_from(["m", "V"]), "bu": hs.just("m"),
})
packs = hs.one_of(hs.lists(plain_record, min_size=1, max_size=5), hs.lists(record, max_size=6), record, hs.lists(hs.one_of(record, hs.integers(-5, 5)), max_size=3))


def _same(a: Any, b: Any) -> None:
    assert len(a) == len(b)
    assert [str(x) for x in a.station] == [str(x) for x in b.station]
    assert list(a.sensor) == list(b.sensor)
    ok = ~a.bad_value & ~b.bad_value
    assert np.array_equal(a.t_ms, b.t_ms)
    assert np.array_equal(a.value[ok], b.value[ok], equal_nan=True)
    assert np.array_equal(a.missing, b.missing) and np.array_equal(a.bad_value, b.bad_value)
    ua = list(a.unit) if a.unit is not None else [None] * len(a)
    ub = list(b.unit) if b.unit is not None else [None] * len(b)
    assert ua == ub
    pa = a.problem or [None] * len(a)
    pb = b.problem or [None] * len(b)
    assert pa == pb
    assert [a.where(i) for i in range(len(a))] == [b.where(i) for i in range(len(b))]


@settings(max_examples=300, deadline=None)
@given(pack=packs, station=hs.sampled_from(["lake-cha-1", None]))
def test_batch_decoder_agrees_with_parse_pack(pack: Any, station: str | None) -> None:
    payload = orjson.dumps(pack)
    report = IngestReport()
    got = decode_packs([(payload, station, "topic t")], now_ms=NOW_MS, report=report)
    try:
        ref = parse_pack(payload, station=station, now_ms=NOW_MS, where="topic t")
    except SenMLError:
        assert report.rejected == 1 and len(got) == 0
        return
    assert report.rejected == 0
    _same(got, ref)


@settings(max_examples=100, deadline=None)
@given(pack=hs.lists(plain_record, min_size=1, max_size=5))
def test_plain_packs_take_the_fast_path(pack: Any) -> None:
    payload = orjson.dumps(pack)
    cols = _Columns()
    assert _fast(payload, "lake-cha-1", NOW_MS, 0, cols), "a plain pack must take the fast path"
    assert len(cols.ts) == len(pack)
    got = decode_packs([(payload, "lake-cha-1", "topic t")], now_ms=NOW_MS, report=IngestReport())
    _same(got, parse_pack(payload, station="lake-cha-1", now_ms=NOW_MS, where="topic t"))


def test_batch_decoder_keeps_each_rows_message() -> None:
    items = [(orjson.dumps([{"n": "water_level", "t": 1.0e9 + k, "v": k}]), "lake-cha-1", f"m{k}") for k in range(3)]
    items.insert(1, (b"[{\"n\": \"water_level\", \"vs\": \"x\"}]", "lake-cha-1", "odd"))
    items.append((b"nope", "lake-cha-1", "bad"))
    report = IngestReport()
    inc = decode_packs(items, now_ms=NOW_MS, report=report)
    assert len(inc) == 4
    assert sorted(inc.where(i) for i in range(4)) == ["m0 record 0", "m1 record 0", "m2 record 0", "odd record 0"]
    assert report.rejected == 1 and report.rejections[0].where == "bad"
    assert report.rejections[0].reason.startswith("not JSON")


@pytest.mark.parametrize(("topic", "expected"), [
    ("glofwatch/issyk-kul-demo/geo-cha", "geo-cha"),
    ("glofwatch/issyk-kul-demo/", "empty station"),
    ("glofwatch/other-site/geo-cha", "is not glofwatch/issyk-kul-demo/<station>"),
    ("glofwatch/issyk-kul-demo/geo-cha/rejected", "is not glofwatch/issyk-kul-demo/<station>"),
])
def test_station_of_topic(topic: str, expected: str) -> None:
    got = station_of_topic(topic, "issyk-kul-demo")
    if isinstance(got, Rejection):
        assert expected in got.reason and got.where == f"topic {topic}"
    else:
        assert got == expected


@pytest.mark.parametrize(("url", "host", "port", "tls", "shown"), [
    ("mqtt://127.0.0.1:1884", "127.0.0.1", 1884, False, "mqtt://127.0.0.1:1884"),
    ("broker.local", "broker.local", 1883, False, "mqtt://broker.local:1883"),
    ("mqtts://ingest:s3cret@mqtt.example.kg", "mqtt.example.kg", 8883, True, "mqtts://ingest:***@mqtt.example.kg:8883"),
])
def test_parse_broker_url(url: str, host: str, port: int, tls: bool, shown: str) -> None:
    a = parse_broker_url(url)
    assert (a.host, a.port, a.tls, a.display()) == (host, port, tls, shown)
    assert "s3cret" not in repr(a)


@pytest.mark.parametrize("url", ["http://x:1883", "mqtt://:1883", "mqtt://h:port"])
def test_bad_broker_url_names_the_fix(url: str) -> None:
    with pytest.raises(GlofwatchError, match="mqtt://"):
        parse_broker_url(url)


def test_settings_topic_and_client_id() -> None:
    assert MqttSettings().topic_filter("s") == "glofwatch/s/+"
    assert MqttSettings(group="g").topic_filter("s") == "$share/g/glofwatch/s/+"
    assert MqttSettings().effective_client_id("s") == "glofwatch-ingest-s"
    assert MqttSettings(client_id="x").effective_client_id("s") == "x"
    assert MqttSettings(group="g").effective_client_id("s").startswith("glofwatch-ingest-s-g-")


def test_transient_errors_are_the_databases() -> None:
    from sqlalchemy import exc as sa

    assert is_transient(sa.OperationalError("SELECT 1", {}, Exception("server closed the connection")))
    assert is_transient(ConnectionRefusedError())
    assert not is_transient(sa.DataError("INSERT", {}, Exception("bad value")))
    assert not is_transient(ValueError("bug on odd input"))


def test_ingest_messages_one_transaction_with_rejections_per_message(site: Site, store: Store) -> None:
    ing = Ingestor(site, store, clock=FixedClock())
    t = ms(FixedClock().now()) / 1000 - 600
    msgs = [
        Message(f"glofwatch/{site.id}/lake-cha-1", orjson.dumps([{"n": "water_level", "t": t, "v": -0.4},
                                                                 {"n": "nope", "t": t, "v": 1}]), 1, 1, 1),
        Message(f"glofwatch/{site.id}/geo-cha", orjson.dumps({"n": "ground_velocity", "t": t, "v": 0.02}), 2, 1, 1),
        Message(f"glofwatch/{site.id}/geo-cha", b"\xff", 3, 1, 1),
        Message(f"glofwatch/{site.id}/geo-cha", orjson.dumps({"n": "ground_velocity", "t": t, "v": 0.02}), 4, 1, 1),
    ]
    r = ingest_messages(ing, msgs)
    assert (r.accepted, r.duplicates, r.rejected) == (2, 1, 2)
    per = rejections_by_message(r, msgs)
    assert sorted(per) == [0, 2]
    assert "has no sensor 'nope'" in per[0][0].reason and per[0][0].where == msgs[0].where + " record 1"
    assert "not JSON" in per[2][0].reason
    assert store.count(site) == 2


def test_odd_json_in_a_pack_is_rejected_not_raised(site: Site, sqlite_store: Store) -> None:
    ing = Ingestor(site, sqlite_store, clock=FixedClock())
    t = ms(FixedClock().now()) / 1000 - 600
    odd = [{"n": "water_level", "t": t, "v": -0.4, "u": [1]}, {"n": "water_level", "t": t + 300, "v": {"x": 1}},
           {"n": ["a"], "t": t, "v": 1}, {"n": "water_level", "t": "soon", "v": 1}, {"n": "water_level", "t": t + 600, "v": -0.39}]
    r = ingest_messages(ing, [Message(f"glofwatch/{site.id}/lake-cha-1", orjson.dumps(odd), 1, 1, 1)])
    assert (r.accepted, r.rejected) == (1, 4), r.as_dict()
