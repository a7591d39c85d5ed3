"""A real SMTP server (aiosmtpd) on loopback that keeps what it receives, for tests and the demo."""

from __future__ import annotations

import email
import threading
from dataclasses import dataclass
from email.message import Message as EmailMessage
from typing import Any

from glofwatch.testing.services import free_port


@dataclass
class Mail:
    to: list[str]
    message: EmailMessage

    @property
    def key(self) -> str:
        return str(self.message.get("X-Glofwatch-Key", ""))


class SmtpRecorder:
    def __init__(self, host: str = "127.0.0.1", port: int | None = None):
        self.host, self.port = host, port or free_port()
        self.mails: list[Mail] = []
        self.refuse: set[str] = set()
        self._lock = threading.Lock()
        self._ctl: Any = None

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}?from=alerts@mes.kg"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        msg = email.message_from_bytes(envelope.content)
        with self._lock:
            self.mails.append(Mail(list(envelope.rcpt_tos), msg))
        return "250 Message accepted for delivery"

    def start(self) -> SmtpRecorder:
        from aiosmtpd.controller import Controller

        self._ctl = Controller(self, hostname=self.host, port=self.port)
        self._ctl.start()
        return self

    def stop(self) -> None:
        if self._ctl is not None:
            self._ctl.stop()

    def __enter__(self) -> SmtpRecorder:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
