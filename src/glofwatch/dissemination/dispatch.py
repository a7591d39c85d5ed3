"""The dispatcher: empties the outbox through the channels, lane by lane.

``run_once`` claims the due rows of the most urgent lane (evacuate = lane 0; vulnerable households
first inside it), hands them to their channels in parallel (one thread pool per channel, at most
``channel.workers`` in flight, per-channel rate limit) and records each result as it comes back, in
its own transaction. Then:

- ``transient_error``: due again after ``retry_base_s * 2**(attempt-1)``; after ``retry_max``
  attempts it counts as failed for good and the fallback channel takes over;
- ``permanent_error`` (invalid number, bot blocked) or no such channel configured: the fallback
  channel of the household (Telegram -> SMS -> e-mail) gets a new row, keyed so it happens once;
- :meth:`Dispatcher.check_escalations`: no acknowledgement ``escalate_after_s`` after an evacuate or
  warning reached a household -> an SMS reminder (once).

Replies (SMS deliver_sm, Telegram button taps) reach :mod:`glofwatch.evacuation.service`.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select

from glofwatch.clock import Clock, from_ms, ms
from glofwatch.dissemination import outbox
from glofwatch.dissemination.channels.base import Channel, DeliveryResult, Message
from glofwatch.dissemination.targeting import address_of
from glofwatch.site import Site
from glofwatch.store.tables import acks as ACKS
from glofwatch.store.tables import checkins as CHECKINS
from glofwatch.store.tables import deliveries as D
from glofwatch.warnings import service as ws
from glofwatch.warnings.config import WarningsConfig
from glofwatch.warnings.texts import BUTTONS, EVENT, HEADLINE, TextContext, long_text, sms_text


@dataclass
class DispatchReport:
    """What one or more dispatch rounds did."""

    counts: Counter[str] = field(default_factory=Counter)  # status -> rows
    by_channel: Counter[str] = field(default_factory=Counter)  # "channel:status" -> rows
    fallbacks: int = 0
    reminders: int = 0
    rounds: int = 0
    problems: list[str] = field(default_factory=list)  # "recipient/channel: detail" of failed rows

    def add(self, other: DispatchReport) -> None:
        self.counts.update(other.counts)
        self.by_channel.update(other.by_channel)
        self.fallbacks += other.fallbacks
        self.reminders += other.reminders
        self.rounds += other.rounds
        self.problems += other.problems

    @property
    def handled(self) -> int:
        return sum(self.counts.values())

    @property
    def sent(self) -> int:
        return self.counts.get("sent", 0)

    @property
    def transient(self) -> int:
        return self.counts.get("transient_error", 0)

    @property
    def permanent(self) -> int:
        return self.counts.get("permanent_error", 0)

    @property
    def skipped(self) -> int:
        return self.counts.get("skipped", 0)


class _Rate:
    """At most ``per_s`` hand-offs a second (spaced evenly), shared by a channel's workers."""

    def __init__(self, per_s: float | None):
        self.gap = 1.0 / per_s if per_s else 0.0
        self.next = 0.0
        self.lock = threading.Lock()

    def wait(self) -> None:
        if not self.gap:
            return
        with self.lock:
            now = time.monotonic()
            t = max(now, self.next)
            self.next = t + self.gap
        if t > now:
            time.sleep(t - now)


class Dispatcher:
    """Sends what the outbox holds. ``with Dispatcher(...) as d: d.run_until_idle()``."""

    def __init__(self, engine: Engine, site: Site, channels: list[Channel], *, clock: Clock,
                 config: WarningsConfig | None = None, batch: int = 2000):
        self.engine, self.site, self.clock = engine, site, clock
        self.config = config or WarningsConfig()
        self.channels: dict[str, Channel] = {}
        for ch in channels:
            self.channels.setdefault(ch.kind, ch)
        self.batch = batch
        self.households = {h.id: h for h in site.households}
        self._alerts: dict[str, Any] = {}
        self._pools: dict[str, ThreadPoolExecutor] = {}
        self._rates = {k: _Rate(self.config.rate_per_s.get(k)) for k in self.channels}
        self._down: dict[str, str] = {}
        self._opened = False
        self._queue: list[tuple[outbox.Row, DeliveryResult, DispatchReport, threading.Event]] = []
        self._qlock = threading.Lock()
        self._commit_lock = threading.Lock()

    # -------------------------------------------------------------- life cycle
    def open(self) -> None:
        """Connect every channel; one that cannot connect is 'down' (its rows fail over), not fatal."""
        from glofwatch.evacuation.service import reply_handler

        handler = reply_handler(self.engine, self.site, self.clock)
        for kind, ch in self.channels.items():
            ch.on_reply = handler
            try:
                ch.open()
            except Exception as e:  # noqa: BLE001 - any connect failure makes the channel down, others go on
                self._down[kind] = f"{ch.to_url()} down at start: {type(e).__name__}: {e}"
            self._pools[kind] = ThreadPoolExecutor(max_workers=max(1, ch.workers), thread_name_prefix=f"send-{kind}")
        n = outbox.recover(self.engine, ms(self.clock.now()))
        if n:
            self._recovered = n
        self._opened = True

    def close(self) -> None:
        for p in self._pools.values():
            p.shutdown(wait=True)
        for ch in self.channels.values():
            with contextlib.suppress(Exception):  # closing is best effort
                ch.close()

    def __enter__(self) -> Dispatcher:
        self.open()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -------------------------------------------------------------- messages
    def _alert(self, alert_id: str) -> Any:
        a = self._alerts.get(alert_id)
        if a is None:
            a = self._alerts[alert_id] = ws.get_alert(self.engine, alert_id)
        return a

    def message(self, row: outbox.Row) -> Message:
        """The message of one outbox row (texts are built at send time from the stored alert)."""
        a = self._alert(row.alert_id)
        base = {"key": row.key, "alert_id": row.alert_id, "recipient": row.recipient, "address": row.address,
                "language": row.language, "priority": row.priority, "attempt": row.attempts}
        if row.kind == "siren":
            stop = a.kind in ("cancel", "all_clear")
            return Message(text=f"siren {'stop' if stop else 'start'}", payload={
                "action": "stop" if stop else "start", "pattern": "drill" if a.status == "Exercise" else "evacuate"}, **base)
        if row.kind == "partner":
            xml = ws.cap_xml(self.engine, a.id)
            if row.channel == "feed":
                feed = ws.atom_feed(self.engine, self.site, base_url=self.config.web or "http://127.0.0.1/cap", clock=self.clock,
                                    config=self.config)
                return Message(text="", payload={"cap": xml, "feed": feed}, **base)
            return Message(text="", payload={"id": a.id, "site": a.site, "status": a.status, "msgType": a.msg_type,
                                             "level": a.kind, "hazard": a.hazard, "lake": a.lake, "zones": a.zones,
                                             "arrivals": {z: from_ms(t).isoformat() for z, t in a.arrivals.items()},
                                             "sent": from_ms(a.sent_ms).isoformat(), "cap": xml.decode()}, **base)
        h = self.households[row.recipient]
        lang = row.language or "ky"
        eta: datetime | None = from_ms(a.arrivals[h.zone]) if h.zone in a.arrivals else None
        ctx = TextContext(kind=a.kind, hazard=a.hazard, zone=h.zone, eta=eta, drill=a.status == "Exercise")
        if row.channel == "sms":
            return Message(text=sms_text(self.site, ctx, lang, self.config.names), **base)
        text = long_text(self.site, ctx, lang, self.config.names)
        buttons: list[tuple[str, str]] = []
        if a.kind in ("evacuate", "warning"):
            b = BUTTONS[lang]
            buttons = [(b[0], f"ack:{a.thread}:safe"), (b[1], f"ack:{a.thread}:need_help")]
        if row.channel == "email":
            from glofwatch.evacuation.service import qr_token, qr_url

            text += "\n\n" + qr_url(self.config.qr_base, qr_token(self.site, h.id, self.config.qr_secret))
        subject = HEADLINE.get(a.kind, HEADLINE["advisory"])[lang].format(event=EVENT.get(a.hazard, EVENT["flood"])[lang])
        return Message(text=text, subject=subject, buttons=buttons, **base)

    # -------------------------------------------------------------- sending
    def _send(self, ch: Channel, msg: Message, row: outbox.Row, rep: DispatchReport) -> DeliveryResult:
        """Hand one message to its channel, then wait until its result is committed before taking the
        next one: a crash can leave at most one sent-but-unrecorded message per channel worker."""
        self._rates[ch.kind].wait()
        try:
            res = ch.send(msg)
        except Exception as e:  # noqa: BLE001 - a channel bug must not stop the others; the row says what happened
            res = DeliveryResult(status="transient_error", channel=ch.kind, recipient=msg.recipient, attempt=msg.attempt,
                                 detail=f"{type(e).__name__} in {type(ch).__name__}.send: {e}")
        self._record(row, res, rep)
        return res

    def _record(self, row: outbox.Row, res: DeliveryResult, rep: DispatchReport) -> None:
        """Group commit: the results waiting when a commit starts are written in one transaction by
        whichever worker gets the commit lock; the others wait for it (no commit per message, and no
        result waits longer than one commit)."""
        done = threading.Event()
        with self._qlock:
            self._queue.append((row, res, rep, done))
        while not done.is_set():
            if self._commit_lock.acquire(blocking=False):
                try:
                    with self._qlock:
                        batch, self._queue = self._queue, []
                    if batch:
                        self._write(batch)
                finally:
                    self._commit_lock.release()
            else:
                done.wait(0.002)

    def _write(self, batch: list[tuple[outbox.Row, DeliveryResult, DispatchReport, threading.Event]]) -> None:
        now = ms(self.clock.now())
        writes, fallbacks = [], []
        try:
            for row, res, rep, _ in batch:
                w, fb = self._outcome(row, res, rep, now)
                writes.append(w)
                if fb:
                    fallbacks.append((row, rep))
            outbox.record_many(self.engine, writes)
            for row, rep in fallbacks:
                rep.fallbacks += self._fallback(row, now)
        finally:
            for *_, ev in batch:
                ev.set()

    def run_once(self) -> DispatchReport:
        """Claim and send one batch of the most urgent due lane."""
        if not self._opened:
            self.open()
        rep = DispatchReport(rounds=1)
        rows = outbox.claim(self.engine, ms(self.clock.now()), limit=self.batch)
        for kind in {r.channel for r in rows} & set(self._down):  # a channel down at start: try again each round
            try:
                self.channels[kind].open()
                del self._down[kind]
            except Exception as e:  # noqa: BLE001 - still down
                self._down[kind] = f"{self.channels[kind].to_url()} down: {type(e).__name__}: {e}"
        futs: dict[Future[DeliveryResult], outbox.Row] = {}
        for row in rows:
            ch = self.channels.get(row.channel)
            if ch is None or row.channel in self._down:
                # not configured: skipped (the fallback takes over); down: transient (retried, then the fallback)
                status = "transient_error" if ch is not None else "skipped"
                why = self._down.get(row.channel) or f"no {row.channel!r} channel configured"
                self._finish(row, DeliveryResult(status=status, channel=row.channel, recipient=row.recipient,  # type: ignore[arg-type]
                                                 attempt=row.attempts, detail=why), rep)
                continue
            try:
                msg = self.message(row)
            except Exception as e:  # noqa: BLE001 - one bad row (e.g. unknown household) must not block the batch
                self._finish(row, DeliveryResult(status="permanent_error", channel=row.channel, recipient=row.recipient,
                                                 attempt=row.attempts, detail=f"cannot build the message: {e}"), rep)
                continue
            futs[self._pools[row.channel].submit(self._send, ch, msg, row, rep)] = row
        for f in as_completed(futs):
            f.result()  # re-raise a bug in recording (the row stays 'sending' and is retried after a restart)
        return rep

    def _finish(self, row: outbox.Row, res: DeliveryResult, rep: DispatchReport) -> None:
        """Record one outcome now (rows that never reached a channel: skipped, unbuildable)."""
        now = ms(self.clock.now())
        with self._commit_lock:  # _outcome updates the report: one writer at a time
            w, fb = self._outcome(row, res, rep, now)
            outbox.record_many(self.engine, [w])
            if fb:
                rep.fallbacks += self._fallback(row, now)

    def _outcome(self, row: outbox.Row, res: DeliveryResult, rep: DispatchReport, now: int) -> tuple[dict[str, Any], bool]:
        """What to write for one result, and whether the household's fallback channel takes over."""
        status = res.status
        retry_at = None
        failed_for_good = status in ("permanent_error", "skipped")
        detail_res = res.detail
        if status == "transient_error":
            if row.attempts < self.config.retry_max:
                retry_at = now + int(1000 * self.config.retry_base_s * 2 ** (row.attempts - 1))
            else:
                failed_for_good = True
                status = "permanent_error"
                detail_res = f"gave up after {row.attempts} attempts: {res.detail}"
        detail = detail_res if not row.detail or row.detail in detail_res else f"{row.detail}; {detail_res}".strip("; ")
        rep.counts[status] += 1
        rep.by_channel[f"{row.channel}:{status}"] += 1
        if status != "sent" and detail_res:
            rep.problems.append(f"{row.recipient}/{row.channel}: {detail_res}")
        w = {"id": row.id, "status": status, "now_ms": now, "detail": detail, "remote_id": res.remote_id, "retry_at_ms": retry_at}
        return w, failed_for_good and row.kind == "household"

    def _fallback(self, row: outbox.Row, now: int) -> int:
        h = self.households.get(row.recipient)
        nxt = self.config.fallback.get(row.channel)
        seen = {row.channel}
        while nxt and h is not None and nxt not in seen:
            if address_of(h, nxt):
                key = outbox.key_of(row.alert_id, row.recipient, nxt)
                added = outbox.add_row(self.engine, key=key, alert_id=row.alert_id, site_id=self.site.id, recipient=row.recipient,
                                       kind="household", channel=nxt, address=address_of(h, nxt), language=row.language,
                                       priority=row.priority, rank=0, now_ms=now, fallback_of=row.id,
                                       detail=f"fallback after {row.channel} failed")
                if added:
                    return 1
            seen.add(nxt)
            nxt = self.config.fallback.get(nxt)
        return 0

    def run_until_idle(self, *, max_rounds: int = 10_000, wait_retries: bool = False, timeout_s: float = 600.0) -> DispatchReport:
        """Run rounds until nothing is due now (``wait_retries``: also wait, on the real clock, for
        scheduled retries, up to ``timeout_s``)."""
        total = DispatchReport()
        t_end = time.monotonic() + timeout_s
        for _ in range(max_rounds):
            rep = self.run_once()
            total.add(rep)
            if rep.handled:
                continue
            nxt = outbox.next_due_ms(self.engine)
            if not wait_retries or nxt is None or time.monotonic() > t_end:
                break
            time.sleep(max(0.01, min(1.0, (nxt - ms(self.clock.now())) / 1000)))
        return total

    def poll_replies(self, timeout_s: int = 0) -> int:
        """Fetch Telegram button taps and messages (SMS replies arrive by themselves on the SMPP session)."""
        n = 0
        for ch in self.channels.values():
            poll = getattr(ch, "poll_updates", None)
            if poll is not None:
                n += poll(timeout_s)
        return n

    def check_escalations(self) -> int:
        """An SMS reminder for each household reached by a current evacuate/warning that neither
        acknowledged nor checked in within ``escalate_after_s``. Returns how many were queued."""
        now = ms(self.clock.now())
        limit = now - int(self.config.escalate_after_s * 1000)
        added = 0
        for a in ws.list_alerts(self.engine, self.site.id, active_only=True, now_ms=now):
            if a.kind not in ("evacuate", "warning") or a.status == "Test":
                continue
            with self.engine.connect() as conn:
                reached = {r.recipient for r in conn.execute(select(D.c.recipient).where(
                    D.c.alert_id == a.id, D.c.kind == "household", D.c.state == "sent", D.c.sent_ms <= limit))}
                start = min(x.sent_ms for x in ws.thread(self.engine, a.id))
                answered = {r[0] for r in conn.execute(select(ACKS.c.household).where(ACKS.c.t_ms >= start))}
                answered |= {r[0] for r in conn.execute(select(CHECKINS.c.household).where(CHECKINS.c.t_ms >= start))}
            for hid in sorted(reached - answered, key=lambda x: (-self.households[x].vulnerable, x) if x in self.households
                              else (0, x)):
                h = self.households.get(hid)
                if h is None or not h.phone:
                    continue
                lang = h.language if h.language in self.config.languages else "ky"
                if outbox.add_row(self.engine, key=outbox.key_of(a.id, hid, "sms", "/remind"), alert_id=a.id,
                                  site_id=self.site.id,
                                  recipient=hid, kind="household", channel="sms", address=h.phone, language=lang,
                                  priority=0 if a.kind == "evacuate" else 1, rank=0 if h.vulnerable else 1, now_ms=now,
                                  detail=f"reminder: no acknowledgement {self.config.escalate_after_s:g} s after the alert"):
                    added += 1
        return added


def summary_json(engine: Engine, alert_id: str) -> str:
    return json.dumps(outbox.summary(engine, alert_id), sort_keys=True)
