"""Partner systems: POST the alert as JSON (level, zones, arrival times, and the CAP XML).

URL: ``webhook://host:port/path`` (``webhooks://`` for HTTPS). ``Idempotency-Key`` header = delivery key.
"""

from __future__ import annotations

import httpx

from glofwatch.dissemination.channels._http import classify, client, short
from glofwatch.dissemination.channels.base import Channel, DeliveryResult, Message


class WebhookChannel(Channel):
    schemes = ("webhook", "webhooks")
    kind = "webhook"

    def __init__(self, url: str):
        super().__init__(url)
        port = f":{self.parts.port}" if self.parts.port else ""
        self.endpoint = f"{'https' if self.parts.scheme == 'webhooks' else 'http'}://{self.parts.hostname}{port}{self.parts.path}"

    def send(self, msg: Message) -> DeliveryResult:
        try:
            with client() as http:
                r = http.post(self.endpoint, json=msg.payload, headers={"Idempotency-Key": msg.key})
        except httpx.HTTPError as e:
            return self.result(msg, "transient_error", f"webhook {self.to_url()} unreachable: {type(e).__name__}")
        st = classify(r.status_code)
        return self.result(msg, st, "" if st == "sent" else f"webhook {r.status_code}: {short(r)}")  # type: ignore[arg-type]
