"""The outbox and the dispatcher, end to end with real peers: everyone reached, bad input reported per
recipient, retries with backoff, fallback, lanes, escalation, and kill -9 mid-dispatch."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from glofwatch.clock import FixedClock, SystemClock
from glofwatch.dissemination import outbox
from glofwatch.dissemination.channels import channel_from_url
from glofwatch.dissemination.dispatch import Dispatcher
from glofwatch.dissemination.emulators.http_api import LoopbackApi
from glofwatch.dissemination.emulators.siren import SirenEmulator
from glofwatch.dissemination.emulators.smpp_server import SmppServer
from glofwatch.dissemination.emulators.smtp import SmtpRecorder
from glofwatch.site import Site
from glofwatch.store import Store, open_store
from glofwatch.store.tables import deliveries
from glofwatch.testing.services import MosquittoBroker
from glofwatch.warnings import service as ws
from glofwatch.warnings.config import WarningsConfig

T0 = dt.datetime(2025, 7, 27, 7, 35, tzinfo=dt.UTC)
ZONES = ["cha-upper", "cha-town", "cha-shore", "cak-grig"]


def states(store: Store, alert_id: str) -> Counter[str]:
    return Counter(f"{d['channel']}:{d['status']}" for d in outbox.deliveries(store.engine, alert_id=alert_id))


@pytest.mark.mqtt
def test_evacuate_reaches_every_household_and_siren(store: Store, site: Site, smsc: SmppServer, api: LoopbackApi,
                                                    smtp: SmtpRecorder, broker: MosquittoBroker) -> None:
    clock = FixedClock(T0)
    r = ws.issue(store.engine, site, level="evacuate", hazard="glof", zones=ZONES, lake="cha-1", clock=clock)
    chans = [channel_from_url(u) for u in (smsc.url, api.telegram_url, smtp.url, api.webhook_url,
                                           f"mqtt://127.0.0.1:{broker.port}?ack_timeout=15")]
    with SirenEmulator("127.0.0.1", broker.port, [s.id for s in site.sirens]) as sir, \
            Dispatcher(store.engine, site, chans, clock=clock) as d:
        rep = d.run_until_idle()
    dels = outbox.deliveries(store.engine, alert_id=r.alert.id)
    hh = {d["household"] for d in dels if d["status"] == "sent" and d["household"]}
    missing = {h.id for h in site.households} - hh  # all 215 must be reached; if not, say how each one failed
    assert not missing, [(d["household"], d["channel"], d["status"], d["attempts"], d["detail"]) for d in dels
                         if d["household"] in missing]
    assert len(smsc.messages) == sum(1 for h in site.households if not h.telegram_chat_id)
    assert {m.dest for m in smsc.messages} == {h.phone[1:] for h in site.households if not h.telegram_chat_id}
    assert all(m.segments <= 2 for m in smsc.messages)
    assert len(api.of("telegram")) == sum(1 for h in site.households if h.telegram_chat_id)
    assert len(smtp.mails) == sum(1 for h in site.households if h.email)
    assert sir.sounding == {s.id for s in site.sirens}
    assert len(api.of("webhook")) == 1
    assert rep.counts["sent"] == len(outbox.deliveries(store.engine, alert_id=r.alert.id)) - 1  # no capdir channel: feed skipped
    # the texts are the household's language
    ky = next(h for h in site.households if h.language == "ky" and not h.telegram_chat_id)
    assert "Көлдөн сел" in next(m.text for m in smsc.messages if m.dest == ky.phone[1:])


def test_bad_input_is_reported_per_recipient_and_everyone_else_gets_it(store: Store, site: Site, smsc: SmppServer,
                                                                       api: LoopbackApi) -> None:
    hs = list(site.households)
    sms_only = [h for h in hs if not h.telegram_chat_id and h.zone == "cha-town"]
    bad_phone = sms_only[0].model_copy(update={"phone": "0700-12"})
    bad_lang = sms_only[1].model_copy(update={"language": "de"})
    no_contact = sms_only[2].model_copy(update={"phone": "", "email": ""})
    broken = {bad_phone.id: bad_phone, bad_lang.id: bad_lang, no_contact.id: no_contact}
    s2 = site.model_copy(update={"households": [broken.get(h.id, h) for h in hs]})
    clock = FixedClock(T0)
    r = ws.issue(store.engine, s2, level="evacuate", hazard="glof", zones=["cha-town"], clock=clock)
    assert any("unknown language 'de'" in p for p in r.problems) and any("no phone" in p for p in r.problems)
    api.down = True  # Telegram is down all night: its households fall back to SMS
    cfg = WarningsConfig(retry_max=2, retry_base_s=1)
    with Dispatcher(store.engine, s2, [channel_from_url(smsc.url), channel_from_url(api.telegram_url)], clock=clock,
                    config=cfg) as d:
        d.run_until_idle()
        clock.advance(seconds=5)
        d.run_until_idle()
    rows = outbox.deliveries(store.engine, alert_id=r.alert.id)
    by = {(x["household"], x["channel"]): x for x in rows if x["household"]}
    assert by[(bad_phone.id, "sms")]["status"] == "permanent_error" and "E.164" in by[(bad_phone.id, "sms")]["detail"]
    assert by[(no_contact.id, "none")]["status"] == "permanent_error"
    assert by[(bad_lang.id, "sms")]["status"] == "sent" and "unknown language" in by[(bad_lang.id, "sms")]["detail"]
    assert next(m for m in smsc.messages if m.dest == bad_lang.phone[1:]).text.startswith("ЭВАКУАЦИЯ! Көлдөн")  # in ky
    tg = [x for x in rows if x["channel"] == "telegram"]
    assert tg and all(x["status"] == "permanent_error" and x["attempts"] == 2 and "gave up" in x["detail"] for x in tg)
    fb = {x["household"] for x in rows if x["channel"] == "sms" and x["fallback_of"]}
    assert fb == {x["household"] for x in tg}  # every Telegram household got the SMS instead
    reached = {x["household"] for x in rows if x["status"] == "sent"}
    in_zone = {h.id for h in s2.households if h.zone == "cha-town"}
    assert reached == in_zone - {bad_phone.id, no_contact.id}


def test_retry_backoff_then_sent(store: Store, site: Site, smsc: SmppServer) -> None:
    clock = FixedClock(T0)
    r = ws.issue(store.engine, site, level="watch", hazard="glof", zones=["cak-grig"], clock=clock)
    smsc.throttle = 10_000
    cfg = WarningsConfig(retry_base_s=10, retry_max=5)
    with Dispatcher(store.engine, site, [channel_from_url(smsc.url)], clock=clock, config=cfg) as d:
        d.run_until_idle()
        rows = [x for x in outbox.deliveries(store.engine, alert_id=r.alert.id) if x["channel"] == "sms"]
        assert rows and all(x["status"] == "transient_error" for x in rows)
        clock.advance(seconds=5)
        assert d.run_until_idle().handled == 0  # not due yet: backoff 10 s
        smsc.throttle = 0
        clock.advance(seconds=6)
        d.run_until_idle()
    rows = [x for x in outbox.deliveries(store.engine, alert_id=r.alert.id) if x["channel"] == "sms"]
    assert all(x["status"] == "sent" and x["attempts"] == 2 for x in rows)


def test_evacuation_lane_goes_before_routine_and_vulnerable_first(store: Store, site: Site) -> None:
    clock = FixedClock(T0)
    ws.issue(store.engine, site, level="advisory", hazard="glof", zones=ZONES, clock=clock)
    ev = ws.issue(store.engine, site, level="evacuate", hazard="glof", zones=["cha-upper"], clock=clock)
    rows = outbox.claim(store.engine, int(T0.timestamp() * 1000) + 1, limit=10_000)
    assert {r.alert_id for r in rows} == {ev.alert.id}  # only the evacuation lane is claimed
    vuln = {h.id for h in site.households if h.vulnerable}
    hh_rows = [r.recipient for r in rows if r.kind == "household" and r.channel != "email"]
    first_non_vulnerable = next(i for i, x in enumerate(hh_rows) if x not in vuln)
    assert all(x not in vuln for x in hh_rows[first_non_vulnerable:])


def test_no_ack_escalates_to_an_sms_reminder_once(store: Store, site: Site, smsc: SmppServer, api: LoopbackApi) -> None:
    from glofwatch.evacuation import service as ev

    clock = FixedClock(T0)
    r = ws.issue(store.engine, site, level="evacuate", hazard="glof", zones=["cak-grig"], clock=clock)
    cfg = WarningsConfig(escalate_after_s=300)
    with Dispatcher(store.engine, site, [channel_from_url(smsc.url), channel_from_url(api.telegram_url)], clock=clock,
                    config=cfg) as d:
        d.run_until_idle()
        hh = [h for h in site.households if h.zone == "cak-grig"]
        ev.record_ack(store.engine, site, household=hh[0].id, answer="safe", via="operator", clock=clock)
        assert d.check_escalations() == 0  # too early
        clock.advance(seconds=301)
        n = d.check_escalations()
        assert n == len(hh) - 1
        assert d.check_escalations() == 0  # once
        d.run_until_idle()
    reminders = [x for x in outbox.deliveries(store.engine, alert_id=r.alert.id) if x["key"].endswith("/remind")]
    assert len(reminders) == n and all(x["status"] == "sent" for x in reminders)


@pytest.mark.slow
def test_kill_9_mid_dispatch_loses_nothing_and_duplicates_only_in_flight(tmp_path: Path, site: Site) -> None:
    db = tmp_path / "k.sqlite"
    st = open_store(str(db))
    r = ws.issue(st.engine, site, level="evacuate", hazard="glof", zones=ZONES, clock=SystemClock())
    with SmppServer() as smsc, LoopbackApi() as api:
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
        args = [sys.executable, "-m", "glofwatch.dissemination.worker", "-d", str(db), "--channel", smsc.url,
                "--channel", api.telegram_url]
        p = subprocess.Popen([*args, "--rate", "sms=40", "--rate", "telegram=40"], env=env)
        deadline = time.monotonic() + 60
        while len(smsc.messages) + len(api.of("telegram")) < 40 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(p.pid, signal.SIGKILL)
        p.wait()
        with st.engine.connect() as c:
            in_flight = {row.recipient for row in c.execute(select(deliveries.c.recipient).where(deliveries.c.state == "sending"))}
            done_before = c.execute(select(deliveries.c.id).where(deliveries.c.state == "sent")).all()
        assert 0 < len(done_before) < 215, "the kill must land mid-dispatch"
        subprocess.run(args, env=env, check=True, timeout=120)
        sms = Counter("+" + m.dest for m in smsc.messages)
        tg = Counter(str(x.body["chat_id"]) for x in api.of("telegram"))
    for h in site.households:
        got = tg[h.telegram_chat_id] if h.telegram_chat_id else sms[h.phone]
        assert got >= 1, f"{h.id} lost"
        if got > 1:
            assert h.id in in_flight, f"{h.id} got {got} messages but was not in flight at the crash"
    rows = outbox.deliveries(st.engine, alert_id=r.alert.id)
    assert all(x["status"] in ("sent", "skipped") for x in rows)


def test_a_channel_down_at_start_is_retried_then_recovers(store: Store, site: Site) -> None:
    from glofwatch.testing.services import free_port

    port = free_port()
    clock = FixedClock(T0)
    r = ws.issue(store.engine, site, level="evacuate", hazard="glof", zones=["cak-grig"], clock=clock)
    sms_rows = [x for x in outbox.deliveries(store.engine, alert_id=r.alert.id) if x["channel"] == "sms"]
    ch = channel_from_url(f"smpp://glofwatch:secret@127.0.0.1:{port}?source=MChS")
    with Dispatcher(store.engine, site, [ch], clock=clock, config=WarningsConfig(retry_base_s=5)) as d:
        d.run_until_idle()
        rows = {x["id"]: x for x in outbox.deliveries(store.engine, alert_id=r.alert.id)}
        assert all(rows[x["id"]]["status"] == "transient_error" and "down" in rows[x["id"]]["detail"] for x in sms_rows)
        with SmppServer(port=port) as smsc:  # the SMSC comes back
            clock.advance(seconds=6)
            d.run_until_idle()
            # every household of the zone: SMS ones, and Telegram ones by fallback (no Telegram channel here)
            assert {m.dest for m in smsc.messages} == {h.phone[1:] for h in site.households if h.zone == "cak-grig"}
