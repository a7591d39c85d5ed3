"""SMS through an HTTP gateway: ``POST {"to": "+996...", "text": "...", "id": key}`` with the
idempotency key also in an ``Idempotency-Key`` header (gateways that honour it drop a repeat).

URL: ``sms+http://host:port/path?token=T`` (``sms+https`` for TLS); the token goes as
``Authorization: Bearer T`` and in the query, and is masked in ``to_url()``.
"""

from __future__ import annotations

import httpx

from glofwatch.dissemination.channels._http import classify, client, short
from glofwatch.dissemination.channels.base import E164, Channel, DeliveryResult, Message


class HttpSmsChannel(Channel):
    schemes = ("sms+http", "sms+https")
    kind = "sms"

    def __init__(self, url: str):
        super().__init__(url)
        tls = self.parts.scheme.endswith("s")
        port = f":{self.parts.port}" if self.parts.port else ""
        self.endpoint = f"{'https' if tls else 'http'}://{self.parts.hostname}{port}{self.parts.path or '/'}"
        if self.parts.query:
            self.endpoint += "?" + self.parts.query
        self.workers = int(self.params.get("workers", 8))
        self._http: httpx.Client | None = None

    def open(self) -> None:
        self._http = client(workers=self.workers)

    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    def send(self, msg: Message) -> DeliveryResult:
        if not E164.match(msg.address or ""):
            return self.result(msg, "permanent_error",
                               f"invalid phone number {msg.address!r}: E.164 expected; fix households.csv")
        headers = {"Idempotency-Key": msg.key}
        if "token" in self.params:
            headers["Authorization"] = f"Bearer {self.params['token']}"
        try:
            r = (self._http or client()).post(self.endpoint, json={"to": msg.address, "text": msg.text, "id": msg.key},
                                              headers=headers)
        except httpx.HTTPError as e:
            return self.result(msg, "transient_error", f"SMS gateway unreachable: {type(e).__name__}")
        st = classify(r.status_code)
        if st == "sent":
            return self.result(msg, "sent", "", str(r.json().get("id", "")))
        return self.result(msg, st, f"gateway {r.status_code}: {short(r)}")  # type: ignore[arg-type]
