"""The MQTT ingest worker against a real Mosquitto, on SQLite and PostgreSQL.

Each test publishes SenML the way stations do (QoS 1 on glofwatch/<site>/<station>) and checks
what the database holds afterwards. Waits have deadlines, never timing assertions.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import paho.mqtt.client as mqtt
import pytest

from glofwatch.clock import FixedClock, ms
from glofwatch.site import Site
from glofwatch.store import Store, open_store
from glofwatch.telemetry.pipeline import Ingestor
from glofwatch.telemetry.senml import dump_pack
from glofwatch.telemetry.sources.mqtt import MqttSettings, MqttWorker
from glofwatch.testing.services import MosquittoBroker

pytestmark = pytest.mark.mqtt

NOW = datetime(2025, 7, 27, 12, 0, tzinfo=UTC)
T0_S = int(NOW.timestamp()) - 6 * 3600  # readings from the morning, within live QC's age limit
STATIONS = ["geo-cha", "lake-cha-1", "gauge-cha", "aws-cha-up"]
SENSOR = {"geo-cha": "ground_velocity", "lake-cha-1": "water_level", "gauge-cha": "stage", "aws-cha-up": "air_temperature"}
VALUE = {"geo-cha": 0.02, "lake-cha-1": -0.4, "gauge-cha": 0.6, "aws-cha-up": 9.5}


def pack(station: str, first: int, n: int) -> bytes:
    """n readings of the station's sensor, one second apart from T0_S + first (unique per station)."""
    se = SENSOR[station]
    return dump_pack((se, float(T0_S + first + i), VALUE[station] + 0.001 * ((first + i) % 7)) for i in range(n))


def wait_for(cond: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


class Publisher:
    """A station-like publisher: MQTT 5, QoS 1, its own persistent session, resends across broker restarts.

    paho keeps QoS 1 messages published while disconnected and sends them after the reconnect;
    ``on_publish`` (the broker's PUBACK) counts what the broker has taken over.
    """

    def __init__(self, broker: MosquittoBroker, client_id: str = "test-station"):
        from paho.mqtt.packettypes import PacketTypes
        from paho.mqtt.properties import Properties

        self.c = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2, client_id=client_id,
                             protocol=mqtt.MQTTv5)
        self.c.max_inflight_messages_set(1000)
        self.c.reconnect_delay_set(1, 2)
        self.published = 0
        self.acked = 0
        self._lock = threading.Lock()
        self.c.on_publish = self._on_publish
        connected = threading.Event()
        self.c.on_connect = lambda *_a: connected.set()
        props = Properties(PacketTypes.CONNECT)
        props.SessionExpiryInterval = 3600
        self.c.connect_async("127.0.0.1", broker.port, clean_start=False, properties=props)
        self.c.loop_start()
        assert connected.wait(10), "test publisher could not connect"

    def _on_publish(self, *_a: Any) -> None:
        with self._lock:
            self.acked += 1

    def publish(self, topic: str, payload: bytes) -> None:
        self.c.publish(topic, payload, qos=1)
        self.published += 1

    def wait_all(self, timeout: float = 30.0) -> None:
        wait_for(lambda: self.acked >= self.published, "the broker to ack every publish", timeout)

    def close(self) -> None:
        self.c.disconnect()
        self.c.loop_stop()


@contextlib.contextmanager
def publisher(broker: MosquittoBroker, client_id: str = "test-station") -> Iterator[Publisher]:
    p = Publisher(broker, client_id)
    try:
        yield p
    finally:
        p.close()


@contextlib.contextmanager
def running(worker: MqttWorker) -> Iterator[MqttWorker]:
    """Run the worker in a thread; stop it (finish batch, ack, disconnect) on exit."""
    th = threading.Thread(target=worker.run, name=f"worker-{worker.client_id}", daemon=True)
    th.start()
    try:
        worker.wait_subscribed(15)
        yield worker
    finally:
        worker.stop()
        th.join(30)
        assert not th.is_alive(), "worker did not stop within 30 s"


def make_worker(site: Site, store: Store, broker: MosquittoBroker, **kw: Any) -> MqttWorker:
    kw.setdefault("reconnect_min_s", 1)
    kw.setdefault("reconnect_max_s", 2)
    kw.setdefault("batch_ms", 20)
    return MqttWorker(Ingestor(site, store, clock=FixedClock(NOW)), MqttSettings(url=broker.url, **kw))


def topic(site: Site, station: str) -> str:
    return f"glofwatch/{site.id}/{station}"


# ------------------------------------------------------------------------------------------- tests
def test_readings_arrive_and_are_stored(site: Site, store: Store, broker: MosquittoBroker) -> None:
    worker = make_worker(site, store, broker, client_id="w-store")
    with running(worker), publisher(broker) as pub:
        for k, st in enumerate(STATIONS):
            pub.publish(topic(site, st), pack(st, 0, 5 + k))
        # a station sending the whole name and a missing value
        pub.publish(topic(site, "geo-cha"), orjson.dumps([{"bn": "geo-cha/", "n": "battery", "t": T0_S, "v": 12.7},
                                                          {"n": "ground_velocity", "bn": "", "t": T0_S + 999, "v": None}]))
        pub.wait_all()
        expected = 5 + 6 + 7 + 8 + 1
        wait_for(lambda: store.count(site) == expected, f"{expected} readings in the store")
        wait_for(lambda: worker.stats.acked == len(STATIONS) + 1, "every message acked")
    assert worker.stats.rejected == 0 and worker.stats.missing == 1
    latest = {(r["station"], r["sensor"]): r for r in store.latest(site)}
    assert latest[("geo-cha", "battery")]["value"] == pytest.approx(12.7)
    assert latest[("lake-cha-1", "water_level")]["t_ms"] == (T0_S + 5) * 1000
    assert set(store.station_rows(site.id)) == set(STATIONS)


def test_broken_messages_are_reported_with_topic_and_valid_records_kept(
        site: Site, store: Store, broker: MosquittoBroker, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="glofwatch.telemetry.sources.mqtt")
    reports: list[dict[str, Any]] = []
    got = threading.Event()

    def on_report(_c: Any, _u: Any, m: Any) -> None:
        reports.append({**orjson.loads(m.payload), "report_topic": m.topic})
        got.set()

    listener = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2, client_id="maintainer",
                           protocol=mqtt.MQTTv5)
    listener.on_message = on_report
    listener.connect("127.0.0.1", broker.port)
    listener.subscribe(f"glofwatch/{site.id}/+/rejected", qos=1)
    listener.loop_start()
    worker = make_worker(site, store, broker, client_id="w-broken")
    try:
        with running(worker), publisher(broker) as pub:
            pub.publish(topic(site, "lake-cha-1"), b"{not json")
            pub.publish(topic(site, "lake-cha-1"), orjson.dumps([
                {"bn": "", "bt": T0_S, "n": "water_level", "v": -0.41},
                {"n": "water_level", "t": 300, "v": "high"},  # not a number
                {"n": "no_such_sensor", "t": 600, "v": 1.0},
                {"n": "water_level", "t": 900, "v": -0.40, "u": "cm"},  # wrong unit
                {"n": "water_temperature", "t": 900, "v": 2.1, "u": "Cel"},  # same unit, other spelling
                {"n": "water_level", "t": 1200, "vs": "x"},
            ]))
            pub.publish(topic(site, "ghost-station"), dump_pack([("water_level", float(T0_S), 1.0)]))
            pub.publish(topic(site, "gauge-cha"), pack("gauge-cha", 0, 3))  # a good one after the bad ones
            pub.wait_all()
            wait_for(lambda: worker.stats.acked == 4, "all four messages acked")
            wait_for(lambda: len(reports) == 3, "three rejection reports")
    finally:
        listener.disconnect()
        listener.loop_stop()
    stored = {(r["station"], r["sensor"], r["t_ms"]) for r in store.latest(site) if r["t_ms"] is not None}
    assert ("gauge-cha", "stage", (T0_S + 2) * 1000) in stored
    assert store.count(site) == 2 + 3  # water_level + water_temperature of the mixed message, gauge-cha x3
    s = worker.stats
    assert s.rejected == 1 + 4 + 1 and s.messages_with_rejections == 3
    assert sorted(r["report_topic"] for r in reports) == sorted([f"{topic(site, 'lake-cha-1')}/rejected"] * 2
                                                          + [f"{topic(site, 'ghost-station')}/rejected"])
    all_reasons = " | ".join(x["reason"] for r in reports for x in r["rejections"])
    for expected in ("not JSON", "is not a number", "has no sensor 'no_such_sensor'", "unit 'cm'",
                     "only numeric values", "unknown station 'ghost-station'"):
        assert expected in all_reasons, f"{expected!r} not among the reasons: {all_reasons}"
    assert all(x["where"].startswith(f"topic {r['topic']}") for r in reports for x in r["rejections"])
    logged = caplog.text
    assert f"topic {topic(site, 'ghost-station')}" in logged and "not JSON" in logged


def test_worker_stopped_mid_stream_loses_nothing(site: Site, store: Store, broker: MosquittoBroker) -> None:
    n_msgs, per = 300, 10
    with publisher(broker) as pub:
        first = make_worker(site, store, broker, client_id="w-persistent", batch_messages=50)
        with running(first):
            for i in range(n_msgs // 2):
                pub.publish(topic(site, STATIONS[i % 4]), pack(STATIONS[i % 4], (i // 4) * per, per))
            wait_for(lambda: first.stats.messages > 0, "the first worker to store something")
        # worker gone (session kept by the broker): the stream goes on
        for i in range(n_msgs // 2, n_msgs):
            pub.publish(topic(site, STATIONS[i % 4]), pack(STATIONS[i % 4], (i // 4) * per, per))
        pub.wait_all()
        assert store.count(site) < n_msgs * per
        second = make_worker(site, store, broker, client_id="w-persistent", batch_messages=50)
        with running(second):
            assert second.stats.session_present is True
            wait_for(lambda: store.count(site) == n_msgs * per, f"{n_msgs * per} readings stored")
            wait_for(lambda: second._inbox.empty(), "the redelivered backlog drained")
    assert first.stats.accepted + second.stats.accepted == n_msgs * per
    # the broker confirmed the first worker's acks before its DISCONNECT: nothing it stored came back
    assert first.stats.acks_confirmed_at_stop is True
    assert second.stats.duplicates == 0


def test_broker_restart_mid_stream_published_equals_stored(site: Site, store: Store, broker: MosquittoBroker) -> None:
    n_msgs, per = 400, 5
    worker = make_worker(site, store, broker, client_id="w-restart", batch_messages=20)
    with running(worker), publisher(broker) as pub:
        for i in range(n_msgs):
            pub.publish(topic(site, STATIONS[i % 4]), pack(STATIONS[i % 4], (i // 4) * per, per))
            if i == n_msgs // 2:
                broker.restart()
        pub.wait_all(60)
        wait_for(lambda: store.count(site) == n_msgs * per, f"{n_msgs * per} readings stored after the restart", 60)
    assert worker.stats.connects >= 2
    assert store.count(site) == n_msgs * per


def test_two_workers_in_a_group_split_messages_and_store_each_reading_once(
        site: Site, store: Store, broker: MosquittoBroker) -> None:
    n_msgs, per = 200, 3
    a = make_worker(site, store, broker, client_id="w-a", group="ingest")
    b = make_worker(site, store, broker, client_id="w-b", group="ingest")
    assert a.topic_filter == f"$share/ingest/glofwatch/{site.id}/+"
    with running(a), running(b), publisher(broker) as pub:
        for i in range(n_msgs):
            pub.publish(topic(site, STATIONS[i % 4]), pack(STATIONS[i % 4], (i // 4) * per, per))
        pub.wait_all()
        wait_for(lambda: a.stats.messages + b.stats.messages == n_msgs, "both workers together to take every message")
        wait_for(lambda: store.count(site) == n_msgs * per, "every reading stored")
    assert a.stats.messages > 0 and b.stats.messages > 0, (a.stats.messages, b.stats.messages)
    assert a.stats.accepted + b.stats.accepted == n_msgs * per
    assert a.stats.duplicates + b.stats.duplicates == 0


def test_silence_check_runs_with_the_injected_clock(site: Site, sqlite_store: Store, broker: MosquittoBroker) -> None:
    clock = FixedClock(NOW)
    ing = Ingestor(site, sqlite_store, clock=clock)
    ing.ingest_senml(pack("geo-cha", 0, 1), station="geo-cha", where="seed")
    clock.set(datetime(2025, 7, 28, tzinfo=UTC))  # geo-cha reports every 60 s: long silent by now
    worker = MqttWorker(ing, MqttSettings(url=broker.url, client_id="w-silence", silence_every_s=0.1))
    with running(worker):
        wait_for(lambda: worker.stats.silence_events >= 1, "a station_silent event")
    events = sqlite_store.events(site.id, kind="station_silent")
    assert [e["station"] for e in events] == ["geo-cha"]
    assert events[0]["t_ms"] < ms(clock.now())


def test_cli_worker_stores_and_stops_gracefully_on_sigterm(site: Site, tmp_path: Path, broker: MosquittoBroker) -> None:
    db = tmp_path / "cli.sqlite"
    store = open_store(str(db))
    # create the worker's persistent session first, then publish while no worker runs: the CLI
    # worker resumes the session and gets what waited in the broker
    with running(make_worker(site, store, broker, client_id="w-cli")):
        pass
    expected = 0
    with publisher(broker) as pub:
        for k, st in enumerate(STATIONS):
            pub.publish(topic(site, st), pack(st, 0, 3 + k))
            expected += 3 + k
        pub.wait_all()
    env = {**os.environ, "GLOFWATCH_MQTT_URL": broker.url}
    proc = subprocess.Popen([sys.executable, "-m", "glofwatch", "mqtt-worker", "--database", str(db), "--client-id", "w-cli"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: store.count(site) == expected or proc.poll() is not None, "readings stored by the CLI worker")
        assert proc.poll() is None, proc.communicate()[0].decode(errors="replace")
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = out.decode(errors="replace")
    assert proc.returncode == 0, text
    assert "stopped" in text and store.count(site) == expected


class FaultyStore:
    """The real store, with faults injected into ``append`` (everything else, and every success, is the store's)."""

    def __init__(self, store: Store, *, outages: int = 0, poison_value: float | None = None):
        self._store = store
        self.outages = outages
        self.poison_value = poison_value

    def append(self, index: Any, readings: Any, **kw: Any) -> Any:
        from sqlalchemy.exc import OperationalError

        if self.outages > 0:
            self.outages -= 1
            raise OperationalError("INSERT", {}, ConnectionRefusedError("database restarting (injected)"))
        if self.poison_value is not None and (readings.value == self.poison_value).any():
            raise ValueError("injected bug on an odd value")
        return self._store.append(index, readings, **kw)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def test_database_outage_keeps_messages_unacked_until_stored(site: Site, sqlite_store: Store,
                                                             broker: MosquittoBroker) -> None:
    faulty = FaultyStore(sqlite_store, outages=2)
    worker = MqttWorker(Ingestor(site, faulty, clock=FixedClock(NOW)),  # type: ignore[arg-type]
                        MqttSettings(url=broker.url, client_id="w-outage", batch_ms=200))
    with running(worker), publisher(broker) as pub:
        for k, st in enumerate(STATIONS):
            pub.publish(topic(site, st), pack(st, 0, 2 + k))
        pub.wait_all()
        wait_for(lambda: sqlite_store.count(site) == 2 + 3 + 4 + 5, "every reading stored after the outage")
        wait_for(lambda: worker.stats.acked == len(STATIONS), "every message acked")
    assert worker.stats.db_retries == 2 and worker.stats.poison == 0 and worker.stats.rejected == 0


def test_a_message_that_breaks_ingest_is_isolated_and_the_rest_stored(site: Site, sqlite_store: Store,
                                                                      broker: MosquittoBroker) -> None:
    faulty = FaultyStore(sqlite_store, poison_value=666.0)
    worker = MqttWorker(Ingestor(site, faulty, clock=FixedClock(NOW)),  # type: ignore[arg-type]
                        MqttSettings(url=broker.url, client_id="w-poison", batch_ms=200, publish_rejections=False))
    with running(worker), publisher(broker) as pub:
        pub.publish(topic(site, "geo-cha"), pack("geo-cha", 0, 3))
        pub.publish(topic(site, "gauge-cha"), dump_pack([("stage", float(T0_S), 666.0)]))
        pub.publish(topic(site, "lake-cha-1"), pack("lake-cha-1", 0, 4))
        pub.wait_all()
        wait_for(lambda: worker.stats.acked == 3, "all three messages acked")
    assert sqlite_store.count(site) == 3 + 4
    assert worker.stats.poison == 1
    assert worker.recent_rejections[-1]["topic"] == topic(site, "gauge-cha")
    assert "could not be processed" in worker.recent_rejections[-1]["rejections"][0]["reason"]


def test_a_stopped_group_member_keeps_its_share_until_it_returns_or_leaves(
        site: Site, store: Store, broker: MosquittoBroker) -> None:
    """Mosquitto deals a stopped member of a shared subscription its share (queued in its session):
    delayed, not lost. ``leave_group`` stores that share, unsubscribes and ends the session."""
    a = make_worker(site, store, broker, client_id="w-stay", group="ingest")
    b = make_worker(site, store, broker, client_id="w-leave", group="ingest")
    with running(a):
        with running(b):
            pass
        with publisher(broker) as pub:
            for i in range(40):
                pub.publish(topic(site, "geo-cha"), pack("geo-cha", i, 1))
            pub.wait_all()
            wait_for(lambda: a.stats.messages > 0, "the remaining member to take its share")
            leaving = make_worker(site, store, broker, client_id="w-leave", group="ingest", leave_group=True,
                                  leave_idle_s=0.5)
            th = threading.Thread(target=leaving.run, daemon=True)
            th.start()
            th.join(30)
            assert not th.is_alive(), "leave_group did not finish"
            wait_for(lambda: store.count(site) == 40, "both shares stored")
            assert leaving.stats.messages > 0 and a.stats.messages + leaving.stats.messages == 40
            # the group is now a alone: everything new goes to it
            before = a.stats.messages
            for i in range(40, 60):
                pub.publish(topic(site, "geo-cha"), pack("geo-cha", i, 1))
            pub.wait_all()
            wait_for(lambda: a.stats.messages == before + 20, "the remaining member to take every new message")
    assert store.count(site) == 60
