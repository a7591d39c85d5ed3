"""MQTT ingest worker: SenML packs on ``glofwatch/<site>/<station>`` into the store, nothing lost.

How it keeps every reading
--------------------------
- **Persistent session**: a fixed client id, MQTT 5 ``clean_start=False`` and a long
  ``SessionExpiryInterval``. While the worker is away, the broker (with persistence on) queues the
  station messages for it; after a broker restart it redelivers what was not acknowledged.
- **Ack after commit**: paho runs with ``manual_ack=True``. Messages are collected into batches
  (up to ``batch_messages`` or ``batch_ms``), stored in one transaction, and only then acknowledged
  with ``client.ack(mid, qos)``. A crash between commit and ack means a redelivery, and the store
  counts the redelivered readings as duplicates (readings are unique per station, sensor and time),
  so delivery is at-least-once and storage exactly-once.
- **Acks never cross connections**: a message id is only valid on the connection it arrived on.
  Each message carries the connection generation it came with; after a reconnect, the acks of older
  messages are dropped (the broker redelivers those messages, which become duplicates).
- **Acks arrive before we leave**: on stop, the worker waits for the broker to confirm it has read the
  last batch's acks (an UNSUBACK for a topic it never subscribed to: a broker answers in order)
  before it disconnects, so a worker that is stopped and started again gets no stored reading back.
- **Database down**: a batch that fails with a database/connection error is retried with backoff
  and not acknowledged, however long it takes; the broker holds the rest (``receive_maximum``
  bounds what is in flight to us).

Bad input never stops the worker: a message that is not JSON, has broken records, names an
unknown station or a wrong unit is logged with its topic and the reasons, its valid records are
stored, and it is acknowledged (it will never get better). With ``publish_rejections`` the reasons
also go to ``glofwatch/<site>/<station>/rejected`` for the station's maintainers.

Several workers can share the load behind an MQTT 5 shared subscription
(``$share/<group>/glofwatch/<site>/+``): each needs its own client id. Mosquitto keeps dealing a
stopped member its share of the messages (queued in its persistent session, delayed, not lost)
until it returns; so supervise group members (restart on failure), and retire one with
``leave_group`` (``glofwatch mqtt-worker --group G --client-id ID --leave-group``), which stores what
its session holds, unsubscribes and ends the session.

The pure parts (topic parsing, URL parsing, batching a list of messages into one ingest) are plain
functions; :class:`MqttWorker` is the adapter around paho-mqtt 2.x.
"""

from __future__ import annotations

import logging
import queue
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple
from urllib.parse import unquote, urlsplit

import orjson

from glofwatch.clock import iso, ms
from glofwatch.errors import GlofwatchError
from glofwatch.telemetry.batch import IngestReport, Rejection
from glofwatch.telemetry.health import check_silence
from glofwatch.telemetry.pipeline import Ingestor
from glofwatch.telemetry.senml_batch import decode_packs

log = logging.getLogger(__name__)

DEFAULT_URL = "mqtt://127.0.0.1:1883"
URL_ENV_VAR = "GLOFWATCH_MQTT_URL"
TOPIC_ROOT = "glofwatch"
SESSION_TAKEN_OVER = 142  # MQTT 5 reason code 0x8E: another client connected with our client id


# ---------------------------------------------------------------------------------------- settings
@dataclass(frozen=True, kw_only=True)
class BrokerAddress:
    """Where the broker is, parsed from ``mqtt://[user[:password]@]host[:port]`` (``mqtts://`` for TLS)."""

    host: str
    port: int
    tls: bool = False
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    def display(self) -> str:
        """The URL without the password (safe for logs)."""
        user = f"{self.username}:***@" if self.password else (f"{self.username}@" if self.username else "")
        return f"{'mqtts' if self.tls else 'mqtt'}://{user}{self.host}:{self.port}"


def parse_broker_url(url: str) -> BrokerAddress:
    """``mqtt://host:port`` -> :class:`BrokerAddress`; a bare ``host[:port]`` means ``mqtt://``.

    >>> parse_broker_url("mqtt://10.0.0.5").port
    1883
    """
    raw = url if "://" in url else f"mqtt://{url}"
    u = urlsplit(raw)
    if u.scheme not in ("mqtt", "mqtts", "tcp", "ssl"):
        raise GlofwatchError(f"broker URL {url!r}: scheme {u.scheme!r} is not supported; use mqtt://host:port "
                             f"or mqtts://host:port (set --broker or ${URL_ENV_VAR})")
    tls = u.scheme in ("mqtts", "ssl")
    try:
        port = u.port or (8883 if tls else 1883)
    except ValueError as e:
        raise GlofwatchError(f"broker URL {url!r}: the port is not a number ({e}); use mqtt://host:1883") from e
    if not u.hostname:
        raise GlofwatchError(f"broker URL {url!r} has no host; use mqtt://host:port")
    return BrokerAddress(host=u.hostname, port=port, tls=tls,
                         username=unquote(u.username) if u.username else None,
                         password=unquote(u.password) if u.password else None)


@dataclass(frozen=True, kw_only=True)
class MqttSettings:
    """How the worker talks to the broker and batches. The defaults suit one site on one broker."""

    url: str = DEFAULT_URL
    client_id: str | None = None
    """Fixed MQTT client id (the key of the persistent session); default ``glofwatch-ingest-<site>``,
    with ``-<group>-<hostname>`` added in a group. Two workers must never share one."""
    group: str | None = None
    """Shared-subscription group: workers with the same group split the messages."""
    batch_messages: int = 1000
    """At most this many messages go into one transaction."""
    batch_ms: int = 50
    """A batch is closed this long after its first message arrived, full or not."""
    receive_maximum: int = 20_000
    """Unacknowledged messages the broker may send us (MQTT 5 Receive Maximum); >= 2 batches."""
    session_expiry_s: int = 30 * 86_400
    """How long the broker keeps our session (and queues messages) while no worker is connected."""
    keepalive_s: int = 30
    reconnect_min_s: float = 1.0
    reconnect_max_s: float = 30.0
    silence_every_s: float = 30.0
    """Run the station-silence check this often (wall time; ``now`` comes from the injected clock)."""
    publish_rejections: bool = True
    """Publish what was refused, with reasons, to ``glofwatch/<site>/<station>/rejected``."""
    db_retry_max_s: float = 30.0
    """Longest pause between retries of a batch while the database is unreachable."""
    leave_group: bool = False
    """Retire this worker: store what its session holds, unsubscribe, end the session and return."""
    leave_idle_s: float = 2.0
    """With ``leave_group``: the session counts as drained after this long without a message."""

    def topic_filter(self, site_id: str) -> str:
        base = f"{TOPIC_ROOT}/{site_id}/+"
        return f"$share/{self.group}/{base}" if self.group else base

    def effective_client_id(self, site_id: str) -> str:
        if self.client_id:
            return self.client_id
        if self.group:
            return f"glofwatch-ingest-{site_id}-{self.group}-{socket.gethostname()}"
        return f"glofwatch-ingest-{site_id}"


# ---------------------------------------------------------------------------------------- pure core
class Message(NamedTuple):
    """One received MQTT message, with the connection generation its ``mid`` belongs to."""

    topic: str
    payload: bytes
    mid: int
    qos: int
    generation: int

    @property
    def where(self) -> str:
        return f"topic {self.topic} (mid {self.mid})"


def station_of_topic(topic: str, site_id: str) -> str | Rejection:
    """The station of ``glofwatch/<site>/<station>``, or why the topic cannot carry readings."""
    parts = topic.split("/")
    if len(parts) != 3 or parts[0] != TOPIC_ROOT or parts[1] != site_id:
        return Rejection(f"topic {topic}", f"topic is not {TOPIC_ROOT}/{site_id}/<station>; publish each station's "
                                           f"SenML to {TOPIC_ROOT}/{site_id}/<station id>")
    if not parts[2]:
        return Rejection(f"topic {topic}", "topic has an empty station level; publish to "
                                           f"{TOPIC_ROOT}/{site_id}/<station id>")
    return parts[2]


def ingest_messages(ingestor: Ingestor, messages: list[Message]) -> IngestReport:
    """Parse, validate, QC and store ``messages`` as **one** transaction; rejections name the topic.

    Raises only what storage raises (the caller decides on retry); input problems go in the report.
    """
    report = IngestReport()
    items: list[tuple[bytes, str | None, str]] = []
    for m in messages:
        st = station_of_topic(m.topic, ingestor.site.id)
        if isinstance(st, Rejection):
            report.reject(m.where, st.reason)
        else:
            items.append((m.payload, st, m.where))
    inc = decode_packs(items, now_ms=ms(ingestor.clock.now()), report=report)
    if len(inc):
        # Ingestor.ingest tests liveness with np.isin(station, <station of every valid row>); on object
        # arrays numpy compares element by element (O(n^2): 13 s for a batch of 10k rows), on a fixed-width
        # string array it sorts (O(n log n)). Same values, so we hand it strings.
        inc.station = inc.station.astype(str)
        ingestor.ingest([inc], report, live=True)
    return report


def rejections_by_message(report: IngestReport, messages: list[Message]) -> dict[int, list[Rejection]]:
    """Map the listed rejections of a batch report back to the index of their message."""
    owner = {m.where: i for i, m in enumerate(messages)}
    out: dict[int, list[Rejection]] = {}
    for r in report.rejections:
        i = owner.get(r.where.split(" record ", 1)[0])
        if i is not None:
            out.setdefault(i, []).append(r)
    return out


def is_transient(exc: BaseException) -> bool:
    """Whether a storage failure is about the database/connection (retry, keep unacked) rather than the input.

    ``DataError`` and ``IntegrityError`` come from what a message holds; every other database error
    (connection lost, server restarting, schema missing...) will pass by itself or needs an operator,
    and acking would lose readings.
    """
    from sqlalchemy import exc as sa

    if isinstance(exc, sa.DataError | sa.IntegrityError):
        return False
    return isinstance(exc, sa.DBAPIError | sa.OperationalError | OSError | TimeoutError)


# ---------------------------------------------------------------------------------------- results
@dataclass
class WorkerStats:
    """Counters since start (written by the worker thread only; read them for monitoring)."""

    messages: int = 0
    batches: int = 0
    accepted: int = 0
    duplicates: int = 0
    missing: int = 0
    rejected: int = 0
    messages_with_rejections: int = 0
    acked: int = 0
    ack_skipped: int = 0  # acks not sent because the connection changed (the broker redelivers)
    poison: int = 0  # messages that made the ingest code itself fail; logged, reported and acked
    db_retries: int = 0
    connects: int = 0
    disconnects: int = 0
    silence_events: int = 0
    connected: bool = False
    session_present: bool | None = None
    acks_confirmed_at_stop: bool | None = None  # the broker confirmed the last acks before DISCONNECT

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class BatchOutcome:
    """What happened to one batch: stored (with its report) or poison messages isolated."""

    status: Literal["stored", "isolated"]
    messages: int
    report: IngestReport
    acked: int
    ack_skipped: int


# ---------------------------------------------------------------------------------------- adapter
class MqttWorker:
    """Subscribes to a site's station topics and stores their SenML, acking after commit.

    >>> worker = MqttWorker(Ingestor(site, store), MqttSettings(url="mqtt://127.0.0.1:1883"))  # doctest: +SKIP
    >>> worker.run()  # blocks until worker.stop() (SIGTERM/SIGINT in the CLI)          # doctest: +SKIP
    """

    def __init__(self, ingestor: Ingestor, settings: MqttSettings | None = None, *,
                 on_batch: Callable[[BatchOutcome], None] | None = None,
                 on_event: Callable[[dict[str, Any]], Any] | None = None):
        self.ingestor = ingestor
        self.on_event = on_event  # told of station_silent / station_back events (live detection)
        self.settings = settings or MqttSettings()
        self.address = parse_broker_url(self.settings.url)
        self.site_id = ingestor.site.id
        self.client_id = self.settings.effective_client_id(self.site_id)
        self.topic_filter = self.settings.topic_filter(self.site_id)
        self.stats = WorkerStats()
        self.recent_rejections: deque[dict[str, Any]] = deque(maxlen=200)
        self.on_batch = on_batch
        self._inbox: queue.SimpleQueue[Message] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._subscribed = threading.Event()
        self._lock = threading.Lock()  # guards _generation against acks racing a reconnect
        self._generation = 0
        self._client: Any = None
        self._left = False
        self._unsubacks: set[int] = set()  # mids of UNSUBACKs received (the shutdown barrier waits on one)
        self._unsuback = threading.Condition()

    # -- paho callbacks (network thread) ----------------------------------------------------
    def _on_connect(self, client: Any, _userdata: Any, flags: Any, reason: Any, _props: Any) -> None:
        if reason.is_failure:
            log.error("broker %s refused the connection: %s", self.address.display(), reason)
            return
        from paho.mqtt.subscribeoptions import SubscribeOptions

        with self._lock:
            self._generation += 1
            self.stats.connects += 1
            self.stats.connected = True
            self.stats.session_present = bool(flags.session_present)
        log.info("connected to %s as %s (session %s); subscribing to %s", self.address.display(), self.client_id,
                 "resumed" if flags.session_present else "new", self.topic_filter)
        if not flags.session_present and self.stats.connects > 1:
            log.warning("broker %s had no session for %s on reconnect: messages published while the worker was "
                        "disconnected may be lost. Check the broker's persistence (mosquitto: persistence true) and "
                        "persistent_client_expiration", self.address.display(), self.client_id)
        # subscribing again on a resumed session is harmless and covers an expired one
        if self._left:
            self._subscribed.set()
            return
        client.subscribe(self.topic_filter, options=SubscribeOptions(qos=1))

    def _on_subscribe(self, _client: Any, _userdata: Any, _mid: int, reasons: list[Any], _props: Any) -> None:
        bad = [r for r in reasons if r.is_failure]
        if bad:
            log.error("broker refused the subscription to %s: %s (a shared subscription needs MQTT 5 and "
                      "a broker that supports it)", self.topic_filter, bad[0])
        else:
            self._subscribed.set()

    def _on_unsubscribe(self, _client: Any, _userdata: Any, mid: int, _reasons: Any, _props: Any) -> None:
        with self._unsuback:
            self._unsubacks.add(mid)
            self._unsuback.notify_all()

    def _on_disconnect(self, _client: Any, _userdata: Any, _flags: Any, reason: Any, _props: Any) -> None:
        with self._lock:
            self._generation += 1
            self.stats.disconnects += 1
            self.stats.connected = False
        self._subscribed.clear()
        if self._stop.is_set():
            return
        if getattr(reason, "value", None) == SESSION_TAKEN_OVER:
            log.error("another client connected with client id %r and took our session; give every worker its own "
                      "--client-id", self.client_id)
        else:
            log.warning("disconnected from %s (%s); reconnecting", self.address.display(), reason)

    def _on_connect_fail(self, _client: Any, _userdata: Any) -> None:
        log.warning("cannot reach the broker at %s; retrying (backoff up to %.0f s). Is it running? Check --broker / "
                    "$%s", self.address.display(), self.settings.reconnect_max_s, URL_ENV_VAR)

    def _on_message(self, _client: Any, _userdata: Any, msg: Any) -> None:
        # keep the network thread light: decode the topic, queue, return
        self._inbox.put(Message(msg.topic, msg.payload, msg.mid, msg.qos, self._generation))

    # -- lifecycle ---------------------------------------------------------------------------
    def _make_client(self) -> Any:
        import paho.mqtt.client as mqtt
        from paho.mqtt.packettypes import PacketTypes
        from paho.mqtt.properties import Properties

        c = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2, client_id=self.client_id,
                        protocol=mqtt.MQTTv5, manual_ack=True)
        if self.address.username:
            c.username_pw_set(self.address.username, self.address.password)
        if self.address.tls:
            c.tls_set()
        c.on_connect = self._on_connect
        c.on_disconnect = self._on_disconnect
        c.on_message = self._on_message
        c.on_subscribe = self._on_subscribe
        c.on_unsubscribe = self._on_unsubscribe
        c.on_connect_fail = self._on_connect_fail
        c.reconnect_delay_set(min_delay=max(1, int(self.settings.reconnect_min_s)),
                              max_delay=max(1, int(self.settings.reconnect_max_s)))
        props = Properties(PacketTypes.CONNECT)
        props.SessionExpiryInterval = self.settings.session_expiry_s
        props.ReceiveMaximum = max(1, min(self.settings.receive_maximum, 65_535))
        c.connect_async(self.address.host, self.address.port, keepalive=self.settings.keepalive_s,
                        clean_start=False, properties=props)
        return c

    def wait_subscribed(self, timeout: float = 10.0) -> None:
        """Block until the subscription is in place (tests, benchmarks); raises TimeoutError otherwise."""
        if not self._subscribed.wait(timeout):
            raise TimeoutError(f"MQTT worker {self.client_id} did not subscribe to {self.topic_filter} on "
                               f"{self.address.display()} within {timeout} s; is the broker running?")

    def stop(self) -> None:
        """Ask :meth:`run` to finish its batch, ack, disconnect and return (thread- and signal-safe)."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run(self) -> WorkerStats:
        """Connect (retrying forever), ingest until :meth:`stop`, then disconnect. Returns the counters."""
        self._client = self._make_client()
        self._client.loop_start()  # paho's thread connects, reconnects with backoff, reads and writes
        log.info("MQTT worker %s for site %s on %s (batches of up to %d messages / %d ms)", self.client_id,
                 self.site_id, self.address.display(), self.settings.batch_messages, self.settings.batch_ms)
        next_silence = 0.0
        next_summary = time.monotonic() + 60.0
        last = WorkerStats()
        last_activity = time.monotonic()
        try:
            while not self._stop.is_set():
                batch = self._collect()
                if batch:
                    self._process(batch)
                now = time.monotonic()
                if batch or not self._subscribed.is_set():
                    last_activity = now
                elif self.settings.leave_group and now - last_activity >= self.settings.leave_idle_s:
                    last_activity = now
                    if self._leave_step():
                        break
                if now >= next_silence:
                    self._check_silence()
                    next_silence = now + self.settings.silence_every_s
                if now >= next_summary:
                    s = self.stats
                    log.info("last minute: %d messages, %d readings stored, %d duplicates, %d rejected",
                             s.messages - last.messages, s.accepted - last.accepted,
                             s.duplicates - last.duplicates, s.rejected - last.rejected)
                    last = WorkerStats(**s.as_dict())
                    next_summary = now + 60.0
        finally:
            self._shutdown()
        return self.stats

    def _leave_step(self) -> bool:
        """Leaving a group: first unsubscribe (once drained), then, drained again, say we are done."""
        if not self._left:
            log.info("session of %s drained; unsubscribing from %s", self.client_id, self.topic_filter)
            self._client.unsubscribe(self.topic_filter)
            self._left = True
            return False
        log.info("%s left group %s after storing %d messages; ending its session", self.client_id,
                 self.settings.group, self.stats.messages)
        return True

    def _shutdown(self) -> None:
        c = self._client
        if c is None:
            return
        props = None
        if self.settings.leave_group and self._left:
            from paho.mqtt.packettypes import PacketTypes
            from paho.mqtt.properties import Properties

            props = Properties(PacketTypes.DISCONNECT)
            props.SessionExpiryInterval = 0  # drained and unsubscribed: the broker may forget us
        self.stats.acks_confirmed_at_stop = self._ack_barrier(c)
        c.disconnect(properties=props)
        c.loop_stop()
        self._client = None
        log.info("MQTT worker %s stopped: %s", self.client_id, self.stats.as_dict())

    def _ack_barrier(self, c: Any, timeout: float = 5.0) -> bool:
        """Wait until the broker has processed every ack sent so far; True if it said so within ``timeout``.

        Queuing the acks before DISCONNECT is not enough: paho closes the socket right after writing DISCONNECT, and
        closing a socket with unread messages in it (the broker keeps sending) resets the connection, which can drop
        acks the broker had not read yet; it then redelivers readings already stored (seen under load). A broker
        answers a client's packets in order, so an UNSUBACK for a topic we never subscribed to (harmless: the
        session's real subscription stays for the next run) proves every earlier ack arrived.
        """
        if not c.is_connected():
            return False
        rc, mid = c.unsubscribe(f"glofwatch/{self.site_id}/_ack_barrier/{self.client_id}")
        if rc != 0 or mid is None:
            return False
        with self._unsuback:
            done = self._unsuback.wait_for(lambda: mid in self._unsubacks, timeout)
            self._unsubacks.discard(mid)
        if not done:
            log.warning("broker %s did not confirm the last acks within %.0f s before disconnecting; it may redeliver "
                        "a few readings already stored (the store counts them as duplicates)",
                        self.address.display(), timeout)
        return done

    # -- the work (worker thread) ---------------------------------------------------------------
    def _collect(self) -> list[Message]:
        """Up to ``batch_messages`` messages, waiting at most ``batch_ms`` after the first one."""
        try:
            first = self._inbox.get(timeout=0.2)
        except queue.Empty:
            return []
        batch = [first]
        deadline = time.monotonic() + self.settings.batch_ms / 1000.0
        limit = self.settings.batch_messages
        while len(batch) < limit:
            try:
                batch.append(self._inbox.get_nowait())
                continue
            except queue.Empty:
                pass
            left = deadline - time.monotonic()
            if left <= 0 or self._stop.is_set():
                break
            try:
                batch.append(self._inbox.get(timeout=min(left, 0.05)))
            except queue.Empty:
                continue
        return batch

    def _process(self, batch: list[Message]) -> None:
        delay = 0.5
        while True:
            try:
                report = ingest_messages(self.ingestor, batch)
                self._finish(batch, report, "stored")
                return
            except Exception as e:  # noqa: BLE001 - sorted below: retry, or isolate the poison message
                if is_transient(e):
                    self.stats.db_retries += 1
                    log.error("storing a batch of %d messages failed (%s: %s); not acked, retrying in %.1f s",
                              len(batch), type(e).__name__, str(e).splitlines()[0] if str(e) else "", delay)
                    if self._stop.wait(delay):
                        log.warning("stopping with %d unstored messages; the broker keeps them for the next start",
                                    len(batch))
                        return
                    delay = min(delay * 2, self.settings.db_retry_max_s)
                    continue
                self._isolate(batch, e)
                return

    def _isolate(self, batch: list[Message], exc: BaseException) -> None:
        """The ingest code failed on something in the input: store message by message to find it."""
        if len(batch) > 1:
            log.warning("a batch of %d messages failed (%s: %s); storing them one by one", len(batch),
                        type(exc).__name__, exc)
            for m in batch:
                self._process([m])
            return
        m = batch[0]
        log.error("%s broke the ingest code (%s: %s); acked and dropped. payload starts %r", m.where,
                  type(exc).__name__, exc, m.payload[:200], exc_info=exc)
        self.stats.poison += 1
        report = IngestReport()
        report.reject(m.where, f"this message could not be processed ({type(exc).__name__}: {exc}); "
                               "please report it to the glofwatch maintainers with the payload")
        self._finish(batch, report, "isolated")

    def _finish(self, batch: list[Message], report: IngestReport, status: Literal["stored", "isolated"]) -> None:
        acked, skipped = self._ack(batch)
        s = self.stats
        s.messages += len(batch)
        s.batches += 1
        s.accepted += report.accepted
        s.duplicates += report.duplicates
        s.missing += report.missing
        s.rejected += report.rejected
        s.acked += acked
        s.ack_skipped += skipped
        log.debug("batch of %d messages %s: %d new readings, %d duplicates, %d missing, %d rejected; %d acked",
                  len(batch), status, report.accepted, report.duplicates, report.missing, report.rejected, acked)
        if report.rejected:
            self._report_rejections(batch, report)
        if self.on_batch is not None:
            self.on_batch(BatchOutcome(status, len(batch), report, acked, skipped))

    def _ack(self, batch: list[Message]) -> tuple[int, int]:
        acked = skipped = 0
        with self._lock:
            gen = self._generation
            connected = self.stats.connected
            for m in batch:
                if m.qos == 0:
                    continue
                if connected and m.generation == gen:
                    self._client.ack(m.mid, m.qos)
                    acked += 1
                else:
                    skipped += 1
        if skipped:
            log.info("%d messages were stored after their connection ended; the broker will redeliver them and "
                     "they will count as duplicates", skipped)
        return acked, skipped

    def _report_rejections(self, batch: list[Message], report: IngestReport) -> None:
        per_msg = rejections_by_message(report, batch)
        listed = sum(len(v) for v in per_msg.values())
        self.stats.messages_with_rejections += len(per_msg)
        received = iso(ms(self.ingestor.clock.now()))
        for i, rej in per_msg.items():
            m = batch[i]
            reasons = "; ".join(f"{r.where.removeprefix(m.where).strip() or 'message'}: {r.reason}" for r in rej[:5])
            more = f" (+{len(rej) - 5} more)" if len(rej) > 5 else ""
            log.warning("rejected %d record(s) of %s: %s%s", len(rej), m.where, reasons, more)
            doc = {"topic": m.topic, "received": received, "rejected": len(rej),
                   "rejections": [r.as_dict() for r in rej]}
            self.recent_rejections.append(doc)
            if self.settings.publish_rejections and self._client is not None and "/" in m.topic:
                self._client.publish(f"{m.topic}/rejected", orjson.dumps(doc), qos=1)
        if report.rejected > listed:
            log.warning("%d more rejections in this batch are not listed (the report keeps the first %d)",
                        report.rejected - listed, len(report.rejections))

    def _check_silence(self) -> None:
        try:
            events = check_silence(self.ingestor.store, self.ingestor.site, ms(self.ingestor.clock.now()))
        except Exception as e:  # noqa: BLE001 - a database hiccup must not stop ingest; next round retries
            log.error("station silence check failed (%s: %s); trying again in %.0f s", type(e).__name__, e,
                      self.settings.silence_every_s)
            return
        for ev in events:
            self.stats.silence_events += 1
            log.warning("%s: station %s at %s", ev["kind"], ev["station"], iso(ev["t_ms"]))
            if self.on_event is not None:
                try:
                    self.on_event(ev)
                except Exception:  # noqa: BLE001 - detection trouble must not stop ingest
                    log.exception("on_event hook failed for %s of %s", ev["kind"], ev["station"])
