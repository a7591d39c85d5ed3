"""SMS over SMPP 3.4 (smpplib), the way an operator's SMSC is reached.

URL: ``smpp://SYSTEM_ID:PASSWORD@host:port?source=MChS&workers=16``. One bound transceiver session;
a reader thread takes submit_sm_resp (matched to the sender by sequence number) and deliver_sm (a
handset's reply, passed to ``on_reply("sms", phone, text)``). Cyrillic goes as UCS-2 in segments of
67 characters with a user data header (smpplib's split). An invalid number is a permanent error
before anything is sent; ESME_RINVDSTADR from the SMSC too; throttling and lost connections are
transient.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from typing import Any

from glofwatch.dissemination.channels.base import E164, Channel, DeliveryResult, Message

PERMANENT = {0x0A, 0x0B, 0x0C, 0x0D, 0x45, 0x61}  # bad source/dest address, ... submit failed, invalid params


class SmppChannel(Channel):
    schemes = ("smpp",)
    kind = "sms"

    def __init__(self, url: str):
        super().__init__(url)
        self.workers = int(self.params.get("workers", 16))  # SMPP windowing: many submit_sm in flight on one session
        self.source = self.params.get("source", "MChS")
        self.timeout = float(self.params.get("timeout", 10))
        self._client: Any = None
        self._cond = threading.Condition()
        self._resp: dict[int, tuple[int, str]] = {}
        self._wlock = threading.Lock()
        self._reader: threading.Thread | None = None
        self._alive = False

    def open(self) -> None:
        import smpplib.client

        logging.getLogger("smpp").setLevel(logging.ERROR)
        c = smpplib.client.Client(self.parts.hostname or "127.0.0.1", self.parts.port or 2775, timeout=5,
                                  allow_unknown_opt_params=True)
        # smpplib calls the error handler AND the sent handler for a submit_sm_resp with an error status
        c.set_message_sent_handler(lambda pdu, **kw: self._done(pdu.sequence, int(pdu.status), (pdu.message_id or b"").decode()))
        c.set_error_pdu_handler(lambda pdu: self._done(pdu.sequence, int(pdu.status), ""))
        c.set_message_received_handler(self._received)
        c.connect()
        c.bind_transceiver(system_id=self.parts.username or "", password=self.parts.password or "")
        self._client = c
        self._alive = True
        self._reader = threading.Thread(target=self._read, name="smpp-reader", daemon=True)
        self._reader.start()

    def _done(self, seq: int, status: int, mid: str) -> None:
        with self._cond:
            self._resp[seq] = (status, mid)
            self._cond.notify_all()

    def _received(self, pdu: Any, **_kw: Any) -> int:
        raw: bytes = pdu.short_message or b""
        text = raw.decode("utf-16-be") if pdu.data_coding == 8 else raw.decode("latin-1")
        phone = "+" + (pdu.source_addr or b"").decode().lstrip("+")
        if self.on_reply is not None:
            try:
                self.on_reply("sms", phone, text)
            except Exception:  # noqa: BLE001 - a bad reply must not kill the session
                logging.getLogger(__name__).exception("reply from %s could not be recorded", phone)
        return 0

    def _read(self) -> None:
        while self._alive:
            try:
                self._client.read_once()
            except (OSError, Exception):  # noqa: BLE001 - connection gone: wake senders, reconnect on next send
                self._alive = False
                with self._cond:
                    self._cond.notify_all()
                return

    def close(self) -> None:
        alive, self._alive = self._alive, False
        if self._client is not None:
            with contextlib.suppress(Exception):
                if alive:
                    self._client.unbind()
            with contextlib.suppress(Exception):
                self._client._socket.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(Exception):
                self._client.disconnect()
            self._client = None

    def send(self, msg: Message) -> DeliveryResult:
        from smpplib import consts
        from smpplib.gsm import make_parts

        if not E164.match(msg.address or ""):
            return self.result(msg, "permanent_error", f"invalid phone number {msg.address!r}: E.164 expected "
                               "(e.g. +996700000001); fix households.csv")
        try:
            if not self._alive:
                with self._wlock:
                    if not self._alive:
                        self.close()
                        self.open()
            parts, coding, esm = make_parts(msg.text)
            ids = []
            for part in parts:
                with self._wlock:
                    pdu = self._client.send_message(
                        source_addr_ton=consts.SMPP_TON_ALNUM, source_addr_npi=consts.SMPP_NPI_UNK, source_addr=self.source,
                        dest_addr_ton=consts.SMPP_TON_INTL, dest_addr_npi=consts.SMPP_NPI_ISDN,
                        destination_addr=msg.address.lstrip("+"), short_message=part, data_coding=coding, esm_class=esm,
                        registered_delivery=False)
                status, mid = self._wait(pdu.sequence)
                if status:
                    kind = "permanent_error" if status in PERMANENT else "transient_error"
                    return self.result(msg, kind, f"SMSC answered status 0x{status:02X} for {msg.address}")
                ids.append(mid)
        except (OSError, Exception) as e:  # noqa: BLE001 - smpplib raises its own ConnectionError/PDUError
            self._alive = False
            return self.result(msg, "transient_error", f"SMSC {self.to_url()} unreachable: {type(e).__name__}: {e}")
        return self.result(msg, "sent", f"{len(parts)} segment(s), {'UCS-2' if coding == 8 else 'GSM-7'}", ",".join(ids))

    def _wait(self, seq: int) -> tuple[int, str]:
        deadline = time.monotonic() + self.timeout
        with self._cond:
            while seq not in self._resp:
                if not self._alive:
                    raise ConnectionError("SMPP session closed while waiting for submit_sm_resp")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no submit_sm_resp within {self.timeout} s")
                self._cond.wait(left)
            return self._resp.pop(seq)
