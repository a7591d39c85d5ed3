"""One loopback HTTP server that plays three remote services: the Telegram Bot API
(``/bot<token>/sendMessage``, ``getUpdates``, ``answerCallbackQuery``), an SMS HTTP gateway
(``POST /sms``) and a partner's webhook (``POST /hook``). It answers like the real ones (Telegram:
``{"ok": false, "error_code": 403, ...}`` for a chat that blocked the bot, 429 with ``retry_after``
when ``throttle`` > 0) and records every request so tests can count what arrived.

``press(chat_id, data)`` queues a user's tap on an inline button (a ``callback_query`` update).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _Server(ThreadingHTTPServer):
    request_queue_size = 128


@dataclass
class Received:
    service: str  # telegram | sms | webhook
    path: str
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class LoopbackApi:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, token: str = "123456:TEST"):
        self.token = token
        self.received: list[Received] = []
        self.blocked_chats: set[str] = set()
        self.down = False  # every request -> 503 (a service outage)
        self.throttle = 0
        self.updates: list[dict[str, Any]] = []
        self._update_id = 0
        self._msg_id = 0
        self._lock = threading.Lock()
        api = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a: Any) -> None:
                pass

            def _json(self, code: int, obj: Any) -> None:
                b = json.dumps(obj).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(b)))
                self.end_headers()
                self.wfile.write(b)

            def do_POST(self) -> None:  # noqa: N802 - http.server naming
                n = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(n) if n else b""
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    return self._json(400, {"ok": False, "description": "Bad Request: body is not JSON"})
                code, obj = api._handle(self.path, body, dict(self.headers))
                self._json(code, obj)

            do_GET = do_POST  # noqa: N815

        # a real API accepts every connection the dispatcher's workers open at once; http.server's default listen backlog
        # (5) dropped some under load (a Telegram send failed "unreachable: ReadError" about once in 12 runs of
        # test_dispatch's 215-household evacuation, its retry then waiting on the test's fixed clock)
        self._srv = _Server((host, port), H)
        self._srv.daemon_threads = True
        self.host, self.port = host, int(self._srv.server_address[1])
        self._thread: threading.Thread | None = None

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def telegram_url(self) -> str:
        return f"tgram://{self.token}@{self.host}:{self.port}?tls=no"

    @property
    def sms_url(self) -> str:
        return f"sms+http://{self.host}:{self.port}/sms?token=gw-secret"

    @property
    def webhook_url(self) -> str:
        return f"webhook://{self.host}:{self.port}/hook"

    def _handle(self, path: str, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            if self.down:
                return 503, {"ok": False, "error_code": 503, "description": "Service Unavailable"}
            if path.startswith(f"/bot{self.token}/"):
                method = path.rsplit("/", 1)[-1].split("?")[0]
                if method == "getUpdates":
                    off = int(body.get("offset") or 0)
                    ups = [u for u in self.updates if u["update_id"] >= off]
                    self.updates = ups
                    return 200, {"ok": True, "result": ups}
                if method == "answerCallbackQuery":
                    self.received.append(Received("telegram", path, body, headers))
                    return 200, {"ok": True, "result": True}
                if method != "sendMessage":
                    return 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
                if self.throttle > 0:
                    self.throttle -= 1
                    return 429, {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
                                 "parameters": {"retry_after": 1}}
                chat = str(body.get("chat_id", ""))
                if not chat or not body.get("text"):
                    return 400, {"ok": False, "error_code": 400, "description": "Bad Request: chat_id and text are required"}
                if chat in self.blocked_chats:
                    return 403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
                self._msg_id += 1
                self.received.append(Received("telegram", path, body, headers))
                return 200, {"ok": True, "result": {"message_id": self._msg_id, "chat": {"id": int(chat)}, "text": body["text"]}}
            if path.startswith("/bot"):
                return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
            if path.startswith("/sms"):
                if "token=gw-secret" not in path and headers.get("Authorization") != "Bearer gw-secret":
                    return 401, {"error": "bad token"}
                to = str(body.get("to", ""))
                if not to.startswith("+") or not to[1:].isdigit():
                    return 422, {"error": f"invalid destination {to!r}"}
                self._msg_id += 1
                self.received.append(Received("sms", path, body, headers))
                return 200, {"id": f"gw{self._msg_id}"}
            if path.startswith("/hook"):
                self.received.append(Received("webhook", path, body, headers))
                return 200, {"ok": True}
            return 404, {"error": "not found"}

    def press(self, chat_id: str, data: str) -> None:
        """A user taps an inline button: queue a ``callback_query`` update for getUpdates."""
        with self._lock:
            self._update_id += 1
            self.updates.append({"update_id": self._update_id, "callback_query": {
                "id": f"cq{self._update_id}", "from": {"id": int(chat_id)}, "data": data,
                "message": {"message_id": 1, "chat": {"id": int(chat_id)}}}})

    def of(self, service: str) -> list[Received]:
        return [r for r in list(self.received) if r.service == service]

    def start(self) -> LoopbackApi:
        self._thread = threading.Thread(target=self._srv.serve_forever, name="http-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._srv.shutdown()
        self._srv.server_close()

    def __enter__(self) -> LoopbackApi:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
