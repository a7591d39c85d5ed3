"""Sirens on MQTT, emulated: each listens on ``<prefix>/<siren>/cmd`` and answers on
``<prefix>/<siren>/state`` (retained) with ``on``/``off`` - or ``fault`` for a siren in ``broken``,
or nothing at all for a siren in ``dead`` (no power, no radio). Records every command."""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any


class SirenEmulator:
    def __init__(self, host: str, port: int, sirens: list[str], *, prefix: str = "glofwatch/sirens",
                 broken: set[str] | None = None, dead: set[str] | None = None):
        self.host, self.port, self.prefix = host, port, prefix.rstrip("/")
        self.sirens = list(sirens)
        self.broken, self.dead = set(broken or ()), set(dead or ())
        self.commands: list[dict[str, Any]] = []
        self.sounding: set[str] = set()
        self.started: set[str] = set()  # every siren that ever confirmed a start
        self._client: Any = None
        self._lock = threading.Lock()

    def start(self) -> SirenEmulator:
        import paho.mqtt.client as mqtt

        c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"siren-emu-{uuid.uuid4().hex[:6]}")
        ready = threading.Event()
        c.on_message = self._on
        c.on_subscribe = lambda *a, **k: ready.set()
        c.connect(self.host, self.port, keepalive=30)
        c.loop_start()
        c.subscribe(f"{self.prefix}/+/cmd", qos=1)
        ready.wait(10)
        self._client = c
        return self

    def _on(self, _c: Any, _u: Any, m: Any) -> None:
        siren = m.topic[len(self.prefix) + 1:].split("/", 1)[0]
        cmd = json.loads(m.payload)
        with self._lock:
            self.commands.append({"siren": siren, **cmd})
        if siren in self.dead or siren not in self.sirens:
            return
        if siren in self.broken:
            st = {"state": "fault", "command": cmd.get("command"), "detail": "amplifier fault"}
        else:
            on = cmd.get("action", "start") == "start"
            (self.sounding.add if on else self.sounding.discard)(siren)
            if on:
                self.started.add(siren)
            st = {"state": "on" if on else "off", "command": cmd.get("command")}
        self._client.publish(f"{self.prefix}/{siren}/state", json.dumps(st), qos=1, retain=True)

    def stop(self) -> None:
        if self._client is not None:
            self._client.loop_stop()
            self._client.disconnect()

    def __enter__(self) -> SirenEmulator:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
