"""MQTT SenML end to end: publisher -> Mosquitto -> MQTT worker -> committed in PostgreSQL.

    python benchmarks/mqtt_ingest.py [--readings 300000] [--single 30000] [--restart 4000]
                                     [--pg postgresql://postgres@127.0.0.1:5432/test]

Targets (issue 2): >= 50k readings/s in messages of 100 readings, >= 5k messages/s of one reading
each, and a Mosquitto restart in the middle of a stream loses nothing (published == stored).

Each scenario runs on a private Mosquitto (persistence on, as in production) and a fresh
PostgreSQL database. The publisher is a separate process (a station network does not share the
worker's CPU, but here it shares the machine's cores, like the broker does); it publishes at QoS 1
as fast as paho can. The worker runs :class:`~glofwatch.telemetry.sources.mqtt.MqttWorker` with its
default settings. The time runs from the first publish to the commit of the last reading, so the
figure is the end-to-end rate, acks after commit included. Readings are unique
(station, sensor, time) over all the reference site's sensors, with the clock after the data.

``--backlog`` also measures draining a backlog (everything published while the worker was away,
then the worker started), which is the worker's own rate without the publisher competing for CPU.
``--group N`` runs the throughput scenarios again with N worker processes in one shared
subscription. After the table, the CPU time per message of the worker, PostgreSQL and Mosquitto
(independent of what else ran) gives the rate 2 free cores would allow. ``--split`` only times the
worker's own stages (decode, validate, ingest) without MQTT; ``--latency`` only measures the
publish -> stored latency of a live stream (10 and 200 messages a second).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from glofwatch.clock import FixedClock
from glofwatch.site import Site, load_site
from glofwatch.store import open_store
from glofwatch.telemetry.pipeline import Ingestor
from glofwatch.telemetry.senml import dump_pack
from glofwatch.telemetry.sources.mqtt import BatchOutcome, MqttSettings, MqttWorker
from glofwatch.testing.services import MosquittoBroker, pg_database

T0_S = int(datetime(2025, 6, 1, tzinfo=UTC).timestamp())
CLOCK = datetime(2025, 6, 20, tzinfo=UTC)  # after the data: no future/past QC flags
WINDOW = 5000  # publisher's QoS 1 messages in flight (below Mosquitto's receive maximum of 65535)


def messages(site: Site, n_msgs: int, per_msg: int) -> list[tuple[str, bytes]]:
    """``n_msgs`` SenML packs of ``per_msg`` readings, round-robin over stations, every reading unique."""
    stations = site.stations
    step = {st.id: 0 for st in stations}
    out = []
    for i in range(n_msgs):
        st = stations[i % len(stations)]
        recs = []
        for k in range(per_msg):
            se = st.sensors[k % len(st.sensors)]
            if k and k % len(st.sensors) == 0:
                step[st.id] += 1
            lo, hi = se.valid or (0.0, 1.0)
            recs.append((se.id, float(T0_S + step[st.id]), round(lo + (hi - lo) * (0.4 + 0.001 * (step[st.id] % 50)), 3)))
        step[st.id] += 1
        out.append((f"glofwatch/{site.id}/{st.id}", dump_pack(recs)))
    return out


def publish_all(port: int, n_msgs: int, per_msg: int, go: Any, restart_at: int | None, restart_req: Any,
                restart_done: Any, result: Any) -> None:
    """Child process: publish everything with paho at QoS 1, wait for every PUBACK (across a broker restart)."""
    import paho.mqtt.client as mqtt
    from paho.mqtt.packettypes import PacketTypes
    from paho.mqtt.properties import Properties

    msgs = messages(load_site(None), n_msgs, per_msg)
    c = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2, client_id="bench-publisher",
                    protocol=mqtt.MQTTv5)
    # paho rescans every queued message on each PUBACK when max_inflight > 0 (O(n^2) over a stream),
    # so the window is kept here instead: at most WINDOW messages published and not yet acked
    c.max_inflight_messages_set(0)
    c.max_queued_messages_set(0)
    c.reconnect_delay_set(1, 2)
    acked = [0]
    lock = threading.Lock()

    def on_publish(*_a: Any) -> None:
        with lock:
            acked[0] += 1

    connected = threading.Event()
    c.on_publish = on_publish
    c.on_connect = lambda *_a: connected.set()
    props = Properties(PacketTypes.CONNECT)
    props.SessionExpiryInterval = 3600
    c.connect_async("127.0.0.1", port, clean_start=False, properties=props)
    c.loop_start()
    connected.wait(30)
    go.wait()
    for i, (topic, payload) in enumerate(msgs):
        while i - acked[0] >= WINDOW:
            time.sleep(0.001)
        c.publish(topic, payload, qos=1)
        if restart_at is not None and i == restart_at:
            restart_req.set()
            restart_done.wait(60)
    while acked[0] < len(msgs):
        time.sleep(0.01)
    c.disconnect()
    c.loop_stop()
    result.value = len(msgs)


def _varlen(n: int) -> bytes:
    out = bytearray()
    while True:
        n, d = n >> 7, n & 0x7F
        out.append(d | (0x80 if n else 0))
        if not n:
            return bytes(out)


def blast_all(port: int, n_msgs: int, per_msg: int, go: Any, result: Any) -> None:
    """Child process: a lean station network. QoS 1 PUBLISH frames (MQTT 3.1.1) written straight to the
    socket, PUBACKs counted as they come, WINDOW messages in flight at most.

    paho's pure-Python publisher costs ~100 µs a message (PUBACK handling, properties), which on
    2 shared cores would be taken from the worker under test; real stations are other machines.
    """
    import socket

    msgs = messages(load_site(None), n_msgs, per_msg)
    frames = []
    for i, (topic, payload) in enumerate(msgs):
        t = topic.encode()
        body = len(t).to_bytes(2, "big") + t + ((i % 65535) + 1).to_bytes(2, "big") + payload
        frames.append(b"\x32" + _varlen(len(body)) + body)
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    cid = b"bench-blaster"
    var = b"\x00\x04MQTT\x04\x02\x00\x3c" + len(cid).to_bytes(2, "big") + cid  # 3.1.1, clean session, keepalive 60
    sock.sendall(b"\x10" + _varlen(len(var)) + var)
    connack = sock.recv(4)
    assert connack[:1] == b"\x20" and connack[3:4] == b"\x00", f"broker refused the publisher: {connack!r}"
    acked = [0]
    lock = threading.Lock()

    def read_acks() -> None:
        buf = b""
        while acked[0] < len(frames):
            data = sock.recv(65536)
            if not data:
                return
            buf += data
            k = len(buf) // 4  # PUBACK is 4 bytes: 0x40 0x02 id id
            with lock:
                acked[0] += k
            buf = buf[4 * k:]

    reader = threading.Thread(target=read_acks, daemon=True)
    reader.start()
    go.wait()
    i = 0
    while i < len(frames):
        room = WINDOW - (i - acked[0])
        if room <= 0:
            time.sleep(0.0005)
            continue
        chunk = frames[i:i + min(room, 500)]
        sock.sendall(b"".join(chunk))
        i += len(chunk)
    reader.join(600)
    sock.sendall(b"\xe0\x00")  # DISCONNECT
    sock.close()
    result.value = acked[0]


@dataclass
class Outcome:
    name: str
    messages: int
    readings: int
    stored: int
    seconds: float
    connects: int
    batches: int
    cpu_worker_s: float = 0.0  # CPU time of the worker's process (paho thread + ingest thread)
    cpu_pg_s: float = 0.0  # CPU time of the PostgreSQL backends serving the worker
    cpu_broker_s: float = 0.0  # CPU time of Mosquitto

    def us_per_message(self, cpu_s: float) -> float:
        return cpu_s / self.messages * 1e6

    @property
    def readings_s(self) -> float:
        return self.readings / self.seconds

    @property
    def messages_s(self) -> float:
        return self.messages / self.seconds


_TICK = os.sysconf("SC_CLK_TCK")


def proc_cpu_s(pid: int) -> float:
    """user + system CPU seconds of a process (Linux /proc), 0 when it is gone."""
    try:
        f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(f[11]) + int(f[12])) / _TICK


def pg_backend_cpu(url: str) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend connected to the database at ``url`` (server on this machine)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as c:
        pids = [r[0] for r in c.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                        "AND pid <> pg_backend_pid()")]
    return {p: proc_cpu_s(p) for p in pids}


def scenario(name: str, admin_pg: str, n_msgs: int, per_msg: int, *, restart: bool = False,
             backlog: bool = False, batch_messages: int | None = None) -> Outcome:
    site = load_site(None)
    os.environ["GLOFWATCH_TEST_PG_URL"] = admin_pg
    ctx = mp.get_context("spawn")
    with MosquittoBroker() as broker, pg_database() as url:
        store = open_store(url)
        ing = Ingestor(site, store, clock=FixedClock(CLOCK))
        last_commit = [0.0]
        done = threading.Event()
        expected = n_msgs * per_msg

        def on_batch(_o: BatchOutcome) -> None:
            last_commit[0] = time.perf_counter()
            if worker.stats.accepted >= expected:
                done.set()

        settings = MqttSettings(url=broker.url, client_id=f"bench-{name}", reconnect_min_s=1, reconnect_max_s=2,
                                batch_messages=batch_messages or MqttSettings().batch_messages, silence_every_s=3600)
        worker = MqttWorker(ing, settings, on_batch=on_batch)
        go, restart_req, restart_done = ctx.Event(), ctx.Event(), ctx.Event()
        result = ctx.Value("q", 0)
        if restart:  # paho resends what was in flight when the broker went away
            pub = ctx.Process(target=publish_all, args=(broker.port, n_msgs, per_msg, go, n_msgs // 2, restart_req,
                                                        restart_done, result))
        else:
            pub = ctx.Process(target=blast_all, args=(broker.port, n_msgs, per_msg, go, result))
        pub.start()
        th = threading.Thread(target=worker.run, daemon=True)
        if backlog:
            # create the session, leave, let everything queue in the broker, then start and time the drain
            th.start()
            worker.wait_subscribed(30)
            worker.stop()
            th.join(30)
            worker = MqttWorker(ing, settings, on_batch=on_batch)
            th = threading.Thread(target=worker.run, daemon=True)
            go.set()
            pub.join()
            t0 = time.perf_counter()
            th.start()
        else:
            th.start()
            worker.wait_subscribed(30)
            time.sleep(2.0)  # publisher has built its payloads and connected
            t0 = time.perf_counter()
            go.set()
        cpu0 = time.process_time()
        broker_pid = broker.proc.pid if broker.proc else 0
        broker0 = proc_cpu_s(broker_pid)
        pg0 = pg_backend_cpu(url)
        if restart:
            restart_req.wait(600)
            broker.restart()
            restart_done.set()
        ok = done.wait(600)
        seconds = last_commit[0] - t0
        cpu_worker = time.process_time() - cpu0
        pg1 = pg_backend_cpu(url)
        cpu_pg = sum(v - pg0.get(p, 0.0) for p, v in pg1.items())
        cpu_broker = proc_cpu_s(broker.proc.pid) - (broker0 if broker.proc and broker.proc.pid == broker_pid else 0.0) \
            if broker.proc else 0.0
        pub.join(120)
        worker.stop()
        th.join(60)
        stored = store.count(site)
        store.engine.dispose()
        if not ok:
            print(f"  {name}: only {stored} of {expected} readings stored within 600 s", file=sys.stderr)
        return Outcome(name, n_msgs, expected, stored, seconds, worker.stats.connects, worker.stats.batches,
                       cpu_worker, cpu_pg, cpu_broker)


def run_group_worker(broker_url: str, db_url: str, client_id: str, group: str, ready: Any, stop: Any,
                     result: Any) -> None:
    """Child process: one member of a shared-subscription group, until ``stop``."""
    site = load_site(None)
    store = open_store(db_url)
    w = MqttWorker(Ingestor(site, store, clock=FixedClock(CLOCK)),
                   MqttSettings(url=broker_url, client_id=client_id, group=group, silence_every_s=3600))
    th = threading.Thread(target=w.run, daemon=True)
    th.start()
    w.wait_subscribed(60)
    ready.set()
    stop.wait()
    w.stop()
    th.join(60)
    result.value = w.stats.messages


def group_scenario(name: str, admin_pg: str, n_msgs: int, per_msg: int, workers: int) -> Outcome:
    """Like :func:`scenario`, with ``workers`` worker processes sharing ``$share/bench/...``."""
    site = load_site(None)
    os.environ["GLOFWATCH_TEST_PG_URL"] = admin_pg
    ctx = mp.get_context("spawn")
    with MosquittoBroker() as broker, pg_database() as url:
        store = open_store(url)
        expected = n_msgs * per_msg
        stop = ctx.Event()
        members = []
        for k in range(workers):
            ready, got = ctx.Event(), ctx.Value("q", 0)
            p = ctx.Process(target=run_group_worker, args=(broker.url, url, f"bench-{name}-{k}", "bench", ready, stop, got))
            p.start()
            members.append((p, ready, got))
        for _p, ready, _g in members:
            ready.wait(120)
        go, result = ctx.Event(), ctx.Value("q", 0)
        pub = ctx.Process(target=blast_all, args=(broker.port, n_msgs, per_msg, go, result))
        pub.start()
        time.sleep(2.0)
        cpu0 = {p.pid: proc_cpu_s(p.pid) for p, _r, _g in members}
        broker0 = proc_cpu_s(broker.proc.pid) if broker.proc else 0.0
        pg0 = pg_backend_cpu(url)
        t0 = time.perf_counter()
        go.set()
        deadline = t0 + 600
        while store.count(site) < expected and time.perf_counter() < deadline:
            time.sleep(0.1)  # the count lags the last commit by at most this
        seconds = time.perf_counter() - t0
        cpu_worker = sum(proc_cpu_s(p.pid) - cpu0[p.pid] for p, _r, _g in members)
        cpu_broker = (proc_cpu_s(broker.proc.pid) if broker.proc else 0.0) - broker0
        pg1 = pg_backend_cpu(url)
        cpu_pg = sum(v - pg0.get(p, 0.0) for p, v in pg1.items())
        pub.join(120)
        stop.set()
        for p, _r, _g in members:
            p.join(60)
        stored = store.count(site)
        store.engine.dispose()
        print(f"  {name}: messages per worker {[g.value for _p, _r, g in members]}", file=sys.stderr)
        return Outcome(name, n_msgs, expected, stored, seconds, workers, 0, cpu_worker, cpu_pg, cpu_broker)


def split(admin_pg: str, n_msgs: int, per_msg: int, batch: int = 1000) -> dict[str, float]:
    """CPU µs per message of the worker's own stages, without MQTT: decode, then ``Ingestor.ingest``
    (validate, QC, store append and commit in PostgreSQL, of which ``validate`` is also timed alone)."""
    from glofwatch.clock import ms
    from glofwatch.telemetry.batch import IngestReport, validate
    from glofwatch.telemetry.senml_batch import decode_packs

    site = load_site(None)
    os.environ["GLOFWATCH_TEST_PG_URL"] = admin_pg
    items = [(p, t.rsplit("/", 1)[1], t) for t, p in messages(site, n_msgs, per_msg)]
    tot = {"decode": 0.0, "validate": 0.0, "ingest": 0.0}
    with pg_database() as url:
        store = open_store(url)
        ing = Ingestor(site, store, clock=FixedClock(CLOCK))
        for i in range(0, n_msgs, batch):
            c = time.process_time()
            r = IngestReport()
            inc = decode_packs(items[i:i + batch], now_ms=ms(CLOCK), report=r)
            inc.station = inc.station.astype(str)
            tot["decode"] += time.process_time() - c
            c = time.process_time()
            validate(inc, ing.index, IngestReport())
            tot["validate"] += time.process_time() - c
            c = time.process_time()
            ing.ingest([inc], r, live=True)
            tot["ingest"] += time.process_time() - c
        store.engine.dispose()
    return {k: v / n_msgs * 1e6 for k, v in tot.items()}


def latency(admin_pg: str, rate: float, seconds: float) -> dict[str, float]:
    """Publish -> committed latency of a live stream: ``rate`` one-reading messages a second.

    Each reading's value is its publish time (epoch ms) and the worker's clock is the real one, so
    ``received_ms - value`` of a stored reading is the time from publish to the start of the batch's
    transaction (the commit adds a few ms)."""
    import paho.mqtt.client as mqtt
    from sqlalchemy import text

    from glofwatch.clock import SystemClock

    site = load_site(None)
    os.environ["GLOFWATCH_TEST_PG_URL"] = admin_pg
    st = next(x for x in site.stations if x.id == "geo-cha")
    with MosquittoBroker() as broker, pg_database() as url:
        store = open_store(url)
        worker = MqttWorker(Ingestor(site, store, clock=SystemClock()),
                            MqttSettings(url=broker.url, client_id="bench-latency", silence_every_s=3600))
        th = threading.Thread(target=worker.run, daemon=True)
        th.start()
        worker.wait_subscribed(30)
        pub = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2, client_id="bench-lat-pub",
                          protocol=mqtt.MQTTv5)
        pub.connect("127.0.0.1", broker.port)
        pub.loop_start()
        n = int(rate * seconds)
        start = time.time()
        for i in range(n):
            time.sleep(max(0.0, start + i / rate - time.time()))
            now_ms = time.time() * 1000.0
            t_s = round(start + i / rate, 3)  # unique reading times; the value carries the publish time
            pub.publish(f"glofwatch/{site.id}/{st.id}", dump_pack([("ground_velocity", t_s, round(now_ms))]), qos=1)
        deadline = time.time() + 60
        while store.count(site) < n and time.time() < deadline:
            time.sleep(0.05)
        pub.disconnect()
        pub.loop_stop()
        worker.stop()
        th.join(30)
        with store.engine.connect() as c:
            lat = np.array([r[0] - r[1] for r in c.execute(text("SELECT received_ms, value FROM observations"))], dtype=float)
        store.engine.dispose()
    return {"messages": float(len(lat)), "p50_ms": float(np.percentile(lat, 50)), "p95_ms": float(np.percentile(lat, 95)),
            "max_ms": float(lat.max())}


def machine() -> str:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip() or str(os.cpu_count())
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{platform.system()} {platform.machine()}, {model}, nproc={nproc}, load average {load}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--readings", type=int, default=300_000, help="readings in 100-reading messages")
    ap.add_argument("--single", type=int, default=30_000, help="messages of one reading")
    ap.add_argument("--restart", type=int, default=4_000, help="messages of 10 readings, broker restarted halfway")
    ap.add_argument("--batch", type=int, default=None, help="worker batch size (default: MqttSettings.batch_messages)")
    ap.add_argument("--group", type=int, default=0, help="also run the throughput scenarios with N worker processes "
                    "in one shared-subscription group")
    ap.add_argument("--latency", action="store_true", help="only measure publish -> stored latency of a live stream")
    ap.add_argument("--split", action="store_true", help="only time the worker's stages without MQTT (CPU per message)")
    ap.add_argument("--backlog", action="store_true", help="also time draining a backlog (publisher not competing)")
    ap.add_argument("--pg", default=os.environ.get("GLOFWATCH_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    a = ap.parse_args()
    print(f"machine: {machine()}")
    if a.latency:
        for rate in (10.0, 200.0):
            lat = latency(a.pg, rate, 10.0)
            print(f"live stream of {rate:.0f} one-reading messages/s for 10 s: publish -> stored "
                  f"p50 {lat['p50_ms']:.0f} ms, p95 {lat['p95_ms']:.0f} ms, max {lat['max_ms']:.0f} ms "
                  f"({lat['messages']:.0f} readings)")
        return
    if a.split:
        print("worker stages without MQTT, CPU µs per message (batches of 1000; ingest includes validate):")
        for per, n in ((100, max(a.readings // 100, 1000)), (1, max(a.single, 10_000))):
            sp = split(a.pg, n, per)
            print(f"  {per:>3} reading(s) a message: " + ", ".join(f"{k} {v:,.0f}" for k, v in sp.items()))
        return
    runs = []
    if a.readings:
        runs.append(scenario("100-per-message", a.pg, a.readings // 100, 100, batch_messages=a.batch))
    if a.single:
        runs.append(scenario("1-per-message", a.pg, a.single, 1, batch_messages=a.batch))
    if a.backlog:
        if a.readings:
            runs.append(scenario("100-per-message-backlog", a.pg, a.readings // 100, 100, backlog=True))
        if a.single:
            runs.append(scenario("1-per-message-backlog", a.pg, a.single, 1, backlog=True))
    if a.group:
        if a.readings:
            runs.append(group_scenario(f"100-per-message-{a.group}-workers", a.pg, a.readings // 100, 100, a.group))
        if a.single:
            runs.append(group_scenario(f"1-per-message-{a.group}-workers", a.pg, a.single, 1, a.group))
    if a.restart:
        runs.append(scenario("broker-restart", a.pg, a.restart, 10, restart=True))
    print(f"{'scenario':<26}{'messages':>10}{'readings':>10}{'stored':>10}{'seconds':>9}{'readings/s':>12}"
          f"{'messages/s':>12}{'connects':>9}{'batches':>9}")
    for r in runs:
        print(f"{r.name:<26}{r.messages:>10}{r.readings:>10}{r.stored:>10}{r.seconds:>9.2f}{r.readings_s:>12,.0f}"
              f"{r.messages_s:>12,.0f}{r.connects:>9}{r.batches:>9}")
    print("\nCPU time per message (what the figures cost, whatever else ran on the machine), and the rates it allows")
    print("on 2 free cores: 'serial' if the worker waited for every PostgreSQL/Mosquitto step (1 / sum), 'overlapped'")
    print("if the worker process (one core: the GIL) and PostgreSQL + Mosquitto (the other) never waited (1 / max):")
    print(f"{'scenario':<26}{'worker µs':>10}{'postgres µs':>12}{'mosquitto µs':>13}{'msgs/s serial-overlapped':>26}"
          f"{'readings/s serial-overlapped':>30}")
    for r in runs:
        w, pg, mq = (r.us_per_message(x) for x in (r.cpu_worker_s, r.cpu_pg_s, r.cpu_broker_s))
        lo, hi = 1e6 / (w + pg + mq), 1e6 / max(w, pg + mq)
        per = r.readings / r.messages
        print(f"{r.name:<26}{w:>10.0f}{pg:>12.0f}{mq:>13.0f}{f'{lo:,.0f}-{hi:,.0f}':>26}{f'{lo * per:,.0f}-{hi * per:,.0f}':>30}")
    for r in runs:
        if r.stored != r.readings:
            print(f"LOST: {r.name}: published {r.readings} readings, stored {r.stored}")
            sys.exit(1)
    print("published == stored in every scenario")


if __name__ == "__main__":
    main()
