"""The CAP feed as files: ``<identifier>.xml`` per alert and ``feed.atom`` (current alerts), in a
folder a web server publishes. URL: ``capdir:///srv/cap`` (absolute path)."""

from __future__ import annotations

import os
from pathlib import Path

from glofwatch.dissemination.channels.base import Channel, DeliveryResult, Message


class CapDirChannel(Channel):
    schemes = ("capdir",)
    kind = "feed"

    def __init__(self, url: str):
        super().__init__(url)
        self.dir = Path(self.parts.path)

    def send(self, msg: Message) -> DeliveryResult:
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            for name, data in ((f"{msg.alert_id}.xml", msg.payload["cap"]), ("feed.atom", msg.payload.get("feed"))):
                if data is None:
                    continue
                tmp = self.dir / (name + ".tmp")
                tmp.write_bytes(data if isinstance(data, bytes) else str(data).encode())
                os.replace(tmp, self.dir / name)  # atomic: pollers never read half a file
        except OSError as e:
            return self.result(msg, "transient_error", f"cannot write CAP feed in {self.dir}: {e}")
        return self.result(msg, "sent", str(self.dir / f"{msg.alert_id}.xml"))
