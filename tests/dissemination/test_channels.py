"""Each channel against its real protocol peer on loopback."""

from __future__ import annotations

import time

import pytest

from glofwatch.dissemination.channels import channel_from_url
from glofwatch.dissemination.channels.base import Message
from glofwatch.dissemination.emulators.http_api import LoopbackApi
from glofwatch.dissemination.emulators.siren import SirenEmulator
from glofwatch.dissemination.emulators.smpp_server import SmppServer
from glofwatch.dissemination.emulators.smtp import SmtpRecorder
from glofwatch.errors import ConfigError
from glofwatch.testing.services import MosquittoBroker

RU = ("ЭВАКУАЦИЯ! Сель из озера: Чолпон-Ата, берег реки, ~14:13. Уходите: школа №1 Чолпон-Аты. "
      "Ответ: 1 в безопасности, 2 нужна помощь. МЧС")


def msg(address: str, text: str = RU, **kw: object) -> Message:
    return Message(key=kw.pop("key", "a1/hh-1/x"), alert_id="a1", recipient="hh-1", address=address, text=text, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(("url", "shown"), [
    ("smpp://mchs:s3cret@10.0.0.1:2775?source=MChS", "smpp://mchs:****@10.0.0.1:2775?source=MChS"),
    ("tgram://123456:ABCDEF@api.telegram.org", "tgram://****@api.telegram.org"),
    ("sms+https://gw.example/send?token=abc&from=MChS", "sms+https://gw.example/send?token=****&from=MChS"),
    ("smtp://alerts:pw@mail.example:587?from=a@b.kg", "smtp://alerts:****@mail.example:587?from=a@b.kg"),
    ("mqtt://10.0.0.2:1883?prefix=sirens", "mqtt://10.0.0.2:1883?prefix=sirens"),
])
def test_to_url_masks_secrets(url: str, shown: str) -> None:
    ch = channel_from_url(url)
    assert ch.to_url(privacy=True) == shown
    assert "s3cret" not in repr(ch) and "ABCDEF" not in repr(ch)
    assert ch.to_url(privacy=False) == url


def test_unknown_scheme_names_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="unknown channel scheme 'pigeon'.*smpp"):
        channel_from_url("pigeon://loft")


def test_smpp_cyrillic_ucs2_two_segments_reply_and_bad_numbers(smsc: SmppServer) -> None:
    ch = channel_from_url(smsc.url)
    replies: list[tuple[str, str, str]] = []
    ch.on_reply = lambda k, p, t: replies.append((k, p, t))
    ch.open()
    try:
        r = ch.send(msg("+996700000001"))
        assert r.status == "sent" and "2 segment(s), UCS-2" in r.detail
        m = smsc.messages[-1]
        assert m.text == RU and m.data_coding == 8 and m.segments == 2 and m.segment_lengths[0] == 67
        assert ch.send(msg("+996700000001", "Тест")).detail.startswith("1 segment")
        bad = ch.send(msg("0700 000 001"))
        assert bad.status == "permanent_error" and "E.164" in bad.detail  # caught before the SMSC
        smsc.reject.add("996700000099")
        r2 = ch.send(msg("+996700000099"))
        assert r2.status == "permanent_error" and "0x0B" in r2.detail  # the SMSC's ESME_RINVDSTADR
        smsc.throttle = 1
        assert ch.send(msg("+996700000001")).status == "transient_error"
        smsc.reply("+996700000001", "2 жардам керек")
        deadline = time.monotonic() + 20
        while not replies and time.monotonic() < deadline:
            time.sleep(0.02)
        assert replies == [("sms", "+996700000001", "2 жардам керек")]
    finally:
        ch.close()


def test_smpp_down_is_transient() -> None:
    with SmppServer() as s:
        url = s.url
    ch = channel_from_url(url)
    r = ch.send(msg("+996700000001"))
    assert r.status == "transient_error" and "unreachable" in r.detail


def test_http_sms_gateway(api: LoopbackApi) -> None:
    ch = channel_from_url(api.sms_url)
    ch.open()
    assert ch.send(msg("+996700000001")).status == "sent"
    got = api.of("sms")[-1]
    assert got.body["text"] == RU and got.headers["Idempotency-Key"] == "a1/hh-1/x"
    api.down = True
    assert ch.send(msg("+996700000001")).status == "transient_error"
    ch.close()


def test_telegram_buttons_blocked_bot_and_callback(api: LoopbackApi) -> None:
    ch = channel_from_url(api.telegram_url)
    got: list[tuple[str, str, str]] = []
    ch.on_reply = lambda k, s, t: got.append((k, s, t))
    ch.open()
    r = ch.send(msg("100007919", "ЭВАКУАЦИЯ", buttons=[("1 Коопсузмун", "ack:a1:safe"), ("2 Жардам керек", "ack:a1:need_help")]))
    assert r.status == "sent" and r.remote_id
    body = api.of("telegram")[-1].body
    assert body["reply_markup"]["inline_keyboard"][0][1]["callback_data"] == "ack:a1:need_help"
    api.blocked_chats.add("100000001")
    b = ch.send(msg("100000001", "x"))
    assert b.status == "permanent_error" and "blocked" in b.detail
    api.throttle = 1
    assert ch.send(msg("100007919", "x")).status == "transient_error"
    api.press("100007919", "ack:a1:safe")
    assert ch.poll_updates() == 1 and got == [("telegram", "100007919", "ack:a1:safe")]
    assert ch.poll_updates() == 0  # the offset moved on
    ch.close()


def test_email_over_real_smtp_server(smtp: SmtpRecorder) -> None:
    ch = channel_from_url(smtp.url)
    r = ch.send(msg("family@example.kg", "ЭВАКУАЦИЯ!\n\nУходите.", subject="ЭВАКУАЦИЯ: Сель", key="a1/hh-1/email"))
    assert r.status == "sent"
    m = smtp.mails[-1]
    assert m.to == ["family@example.kg"] and m.key == "a1/hh-1/email"
    assert "ЭВАКУАЦИЯ" in m.message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    smtp.refuse.add("gone@example.kg")
    assert ch.send(msg("gone@example.kg", "x")).status == "permanent_error"
    assert ch.send(msg("not-an-address", "x")).status == "permanent_error"
    ch.close()


@pytest.mark.mqtt
def test_siren_started_is_confirmed_and_a_dead_one_is_known(broker: MosquittoBroker) -> None:
    with SirenEmulator("127.0.0.1", broker.port, ["s1", "s2", "s3"], dead={"s2"}, broken={"s3"}) as emu:
        ch = channel_from_url(f"mqtt://127.0.0.1:{broker.port}?ack_timeout=4")
        ch.open()
        try:
            ok = ch.send(Message(key="a1/s1/siren", alert_id="a1", recipient="s1", address="s1", text="", payload={"action": "start"}))
            assert ok.status == "sent" and "s1" in emu.sounding
            dead = ch.send(Message(key="a1/s2/siren", alert_id="a1", recipient="s2", address="s2", text=""))
            assert dead.status == "transient_error" and "did not report" in dead.detail
            broken = ch.send(Message(key="a1/s3/siren", alert_id="a1", recipient="s3", address="s3", text=""))
            assert broken.status == "transient_error" and "fault" in broken.detail
            stop = ch.send(Message(key="a2/s1/siren", alert_id="a2", recipient="s1", address="s1", text="", payload={"action": "stop"}))
            assert stop.status == "sent" and "s1" not in emu.sounding
            assert [c["siren"] for c in emu.commands] == ["s1", "s2", "s3", "s1"]
        finally:
            ch.close()


def test_webhook_and_cap_dir(api: LoopbackApi, tmp_path: object) -> None:
    ch = channel_from_url(api.webhook_url)
    assert ch.send(Message(key="k", alert_id="a1", recipient="webhook", address="", text="", payload={"id": "a1"})).status == "sent"
    assert api.of("webhook")[-1].body == {"id": "a1"}
    d = channel_from_url(f"capdir://{tmp_path}/cap")
    r = d.send(Message(key="k2", alert_id="a1", recipient="cap-feed", address="", text="", payload={"cap": b"<alert/>", "feed": b"<feed/>"}))
    assert r.status == "sent"
    assert (tmp_path / "cap" / "a1.xml").read_bytes() == b"<alert/>"  # type: ignore[operator]
