"""Sirens over MQTT: a command on ``<prefix>/<siren>/cmd`` and the siren's own report on
``<prefix>/<siren>/state`` (retained). A delivery is ``sent`` only when the siren reports ``on``
(or ``off`` for a stop) for *this* command within ``ack_timeout`` seconds: a siren that did not
start is known, and retried/escalated like any failed delivery.

URL: ``mqtt://[user:pw@]host:port?prefix=glofwatch/sirens&ack_timeout=10``. Payloads are JSON:
command ``{"command": key, "action": "start"|"stop", "pattern": "evacuate", "alert": id}``; state
``{"state": "on"|"off"|"fault", "command": key}``. QoS 1 both ways.
"""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any

from glofwatch.dissemination.channels.base import Channel, DeliveryResult, Message


class SirenChannel(Channel):
    schemes = ("mqtt",)
    kind = "siren"

    def __init__(self, url: str):
        super().__init__(url)
        self.prefix = self.params.get("prefix", "glofwatch/sirens").rstrip("/")
        self.ack_timeout = float(self.params.get("ack_timeout", 10))
        self.workers = int(self.params.get("workers", 8))
        self._states: dict[str, dict[str, Any]] = {}
        self._cond = threading.Condition()
        self._client: Any = None

    def open(self) -> None:
        import paho.mqtt.client as mqtt

        c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"glofwatch-sirens-{uuid.uuid4().hex[:8]}")
        if self.parts.username:
            c.username_pw_set(self.parts.username, self.parts.password)
        c.on_message = self._on_message
        ready = threading.Event()
        c.on_subscribe = lambda *a, **k: ready.set()
        c.connect(self.parts.hostname or "127.0.0.1", self.parts.port or 1883, keepalive=30)
        c.loop_start()
        c.subscribe(f"{self.prefix}/+/state", qos=1)
        if not ready.wait(10):
            raise ConnectionError(f"MQTT broker {self.to_url()} did not confirm the state subscription")
        self._client = c

    def close(self) -> None:
        if self._client is not None:
            self._client.loop_stop()
            self._client.disconnect()
            self._client = None

    def _on_message(self, _c: Any, _u: Any, m: Any) -> None:
        siren = m.topic[len(self.prefix) + 1:].split("/", 1)[0]
        try:
            st = json.loads(m.payload)
        except ValueError:
            return
        with self._cond:
            self._states[siren] = st
            self._cond.notify_all()

    def state(self, siren: str) -> dict[str, Any] | None:
        return self._states.get(siren)

    def send(self, msg: Message) -> DeliveryResult:
        if self._client is None:
            try:
                self.open()
            except (OSError, ConnectionError) as e:
                return self.result(msg, "transient_error", f"MQTT broker {self.to_url()} unreachable: {e}")
        action = msg.payload.get("action", "start")
        cmd = {"command": msg.key, "action": action, "pattern": msg.payload.get("pattern", "evacuate"), "alert": msg.alert_id}
        info = self._client.publish(f"{self.prefix}/{msg.address}/cmd", json.dumps(cmd), qos=1)
        if info.rc != 0:
            return self.result(msg, "transient_error", f"MQTT publish failed (rc={info.rc})")
        want = "on" if action == "start" else "off"
        with self._cond:
            ok = self._cond.wait_for(lambda: (self._states.get(msg.address) or {}).get("command") == msg.key, self.ack_timeout)
            st = self._states.get(msg.address) or {}
        if not ok:
            return self.result(msg, "transient_error", f"siren {msg.address} did not report within {self.ack_timeout:g} s "
                               "(power, radio or the siren itself); check it on site")
        if st.get("state") != want:
            return self.result(msg, "transient_error", f"siren {msg.address} reported {st.get('state')!r} instead of {want!r}: "
                               f"{st.get('detail', '')}")
        return self.result(msg, "sent", f"siren {msg.address} reported {want}")
