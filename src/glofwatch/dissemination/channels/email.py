"""E-mail over SMTP (stdlib smtplib: synchronous, one connection per worker, re-opened on error).

URL: ``smtp://user:password@host:port?from=alerts@mes.kg&starttls=no`` (``smtps://`` for implicit
TLS). UTF-8 bodies; the delivery key is the Message-ID, so a receiving system can drop a repeat.
A refused recipient is permanent; a connection problem or a 4xx reply is transient.
"""

from __future__ import annotations

import contextlib
import smtplib
import threading
from email.message import EmailMessage
from email.utils import make_msgid

from glofwatch.dissemination.channels.base import Channel, DeliveryResult, Message


class EmailChannel(Channel):
    schemes = ("smtp", "smtps")
    kind = "email"

    def __init__(self, url: str):
        super().__init__(url)
        self.sender = self.params.get("from", "alerts@localhost")
        self.workers = int(self.params.get("workers", 2))
        self._local = threading.local()

    def _conn(self) -> smtplib.SMTP:
        c = getattr(self._local, "smtp", None)
        if c is None:
            host, port = self.parts.hostname or "127.0.0.1", self.parts.port or (465 if self.parts.scheme == "smtps" else 25)
            c = smtplib.SMTP_SSL(host, port, timeout=10) if self.parts.scheme == "smtps" else smtplib.SMTP(host, port, timeout=10)
            if self.params.get("starttls") in ("yes", "1", "true"):
                c.starttls()
            if self.parts.username:
                c.login(self.parts.username, self.parts.password or "")
            self._local.smtp = c
        return c

    def close(self) -> None:
        c = getattr(self._local, "smtp", None)
        if c is not None:
            with contextlib.suppress(smtplib.SMTPException):
                c.quit()
            self._local.smtp = None

    def send(self, msg: Message) -> DeliveryResult:
        if "@" not in msg.address:
            return self.result(msg, "permanent_error", f"invalid e-mail address {msg.address!r}; fix households.csv")
        m = EmailMessage()
        m["From"], m["To"], m["Subject"] = self.sender, msg.address, msg.subject or msg.text.split("\n", 1)[0][:120]
        m["Message-ID"] = make_msgid(idstring=msg.key.replace("/", "."), domain="glofwatch")
        m["X-Glofwatch-Key"] = msg.key
        m.set_content(msg.text)
        for attempt in (1, 2):  # a server may have closed an idle connection: reconnect once
            try:
                self._conn().send_message(m)
                return self.result(msg, "sent", "", m["Message-ID"])
            except smtplib.SMTPRecipientsRefused as e:
                return self.result(msg, "permanent_error", f"recipient refused: {e.recipients}")
            except smtplib.SMTPResponseException as e:
                status = "transient_error" if 400 <= e.smtp_code < 500 else "permanent_error"
                return self.result(msg, status, f"SMTP {e.smtp_code}: {e.smtp_error!r}")  # type: ignore[arg-type]
            except (smtplib.SMTPException, OSError) as e:
                self._local.smtp = None
                if attempt == 2:
                    return self.result(msg, "transient_error", f"SMTP server {self.to_url()} unreachable: {e}")
        raise AssertionError("unreachable")
