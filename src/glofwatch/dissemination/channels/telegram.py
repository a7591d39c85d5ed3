"""Telegram Bot API: ``sendMessage`` with inline buttons "1 safe" / "2 need help".

URL: ``tgram://BOT_TOKEN@host[:port][?tls=no]`` (default host ``api.telegram.org`` over HTTPS; a
local Bot API server or the loopback emulator by naming host/port, ``tls=no`` for plain HTTP). The
token never appears in ``to_url()`` or logs. 403 (bot blocked, user deactivated) and 400 (chat not
found) are permanent - the dispatcher then falls back to SMS; 429 and 5xx are transient.
Button taps come back as ``callback_query`` updates: :meth:`poll_updates` long-polls ``getUpdates``
and hands ``(chat_id, data)`` to ``on_reply("telegram", chat_id, data)``.
"""

from __future__ import annotations

import contextlib
from typing import Any

import httpx

from glofwatch.dissemination.channels._http import classify, client, short
from glofwatch.dissemination.channels.base import Channel, DeliveryResult, Message


class TelegramChannel(Channel):
    schemes = ("tgram",)
    kind = "telegram"
    user_is_secret = True

    def __init__(self, url: str):
        super().__init__(url)
        self.token = self.parts.username or ""
        if self.parts.password:
            self.token += ":" + self.parts.password
        host = self.parts.hostname or "api.telegram.org"
        tls = self.params.get("tls", "yes") not in ("no", "0", "false")
        port = f":{self.parts.port}" if self.parts.port else ""
        self.base = f"{'https' if tls else 'http'}://{host}{port}/bot{self.token}"
        self.workers = int(self.params.get("workers", 16))
        self._http: httpx.Client | None = None
        self._offset = 0

    def to_url(self, *, privacy: bool = True) -> str:
        if not privacy:
            return self.url
        host = (self.parts.hostname or "") + (f":{self.parts.port}" if self.parts.port else "")
        return f"tgram://****@{host}" + (f"?{self.parts.query}" if self.parts.query else "")

    def open(self) -> None:
        self._http = client(workers=self.workers)

    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    def send(self, msg: Message) -> DeliveryResult:
        if not msg.address.lstrip("-").isdigit():
            return self.result(msg, "permanent_error", f"invalid Telegram chat id {msg.address!r}: digits expected")
        body: dict[str, Any] = {"chat_id": msg.address, "text": msg.text[:4096]}
        if msg.buttons:
            body["reply_markup"] = {"inline_keyboard": [[{"text": t, "callback_data": d[:64]} for t, d in msg.buttons]]}
        try:
            r = (self._http or client()).post(f"{self.base}/sendMessage", json=body)
        except httpx.HTTPError as e:
            return self.result(msg, "transient_error", f"Telegram API unreachable: {type(e).__name__}")
        st = classify(r.status_code)
        if st == "sent":
            return self.result(msg, "sent", "", str(r.json().get("result", {}).get("message_id", "")))
        return self.result(msg, st, f"Telegram {r.status_code}: {short(r)}")  # type: ignore[arg-type]

    def poll_updates(self, timeout_s: int = 0) -> int:
        """Fetch button taps; each becomes ``on_reply("telegram", chat_id, data)``. Returns how many."""
        http = self._http or client()
        try:
            r = http.post(f"{self.base}/getUpdates", json={"offset": self._offset, "timeout": timeout_s,
                                                           "allowed_updates": ["callback_query", "message"]})
            ups = r.json().get("result", []) if r.status_code == 200 else []
        except (httpx.HTTPError, ValueError):
            return 0
        n = 0
        for u in ups:
            self._offset = max(self._offset, int(u["update_id"]) + 1)
            cq, m = u.get("callback_query"), u.get("message")
            if cq and self.on_reply:
                self.on_reply("telegram", str(cq["from"]["id"]), str(cq.get("data", "")))
                with contextlib.suppress(httpx.HTTPError):
                    http.post(f"{self.base}/answerCallbackQuery", json={"callback_query_id": cq["id"], "text": "OK"})
                n += 1
            elif m and m.get("text") and self.on_reply:
                self.on_reply("telegram", str(m["chat"]["id"]), str(m["text"]))
                n += 1
        return n
