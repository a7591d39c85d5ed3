"""The channel contract: a plug-in addressed by URL that hands one message to one recipient.

Every channel declares its URL ``schemes`` and ``kind`` (what recipients it serves: sms, telegram,
email, siren, webhook, feed), builds itself with :meth:`Channel.from_url`, shows itself with
:meth:`Channel.to_url` (``privacy=True`` masks passwords and tokens; ``repr`` does too), and returns
a :class:`DeliveryResult` from :meth:`Channel.send` - never a bare bool, never an exception for a
recipient's problem. ``transient_error`` means "try again later" (network down, throttled);
``permanent_error`` means "this will not work for this recipient" (invalid number, blocked bot).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal
from urllib.parse import parse_qs, urlsplit, urlunsplit

Status = Literal["sent", "transient_error", "permanent_error", "skipped"]
E164 = re.compile(r"^\+[1-9]\d{6,14}$")


@dataclass(frozen=True, kw_only=True)
class Message:
    """One message to one recipient. ``key`` is the idempotency key; it travels with the message."""

    key: str
    alert_id: str
    recipient: str
    address: str
    text: str
    language: str = ""
    subject: str = ""
    priority: int = 9
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (label, callback data)
    payload: dict[str, Any] = field(default_factory=dict)  # sirens, webhooks, feed: structured content
    attempt: int = 1


@dataclass(frozen=True, kw_only=True)
class DeliveryResult:
    status: Status
    channel: str
    recipient: str
    attempt: int = 1
    detail: str = ""
    remote_id: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "sent"


ReplyHandler = Callable[[str, str, str], None]  # (channel kind, from address, text or callback data)


class Channel(ABC):
    """Base of all channels. Subclasses set ``schemes``, ``kind``, ``secret_params`` and implement send()."""

    schemes: ClassVar[tuple[str, ...]] = ()
    kind: ClassVar[str] = ""
    secret_params: ClassVar[tuple[str, ...]] = ("token", "password", "secret")
    workers: int = 1  # how many messages it may have in flight at once

    def __init__(self, url: str):
        self.url = url
        self.parts = urlsplit(url)
        self.params = {k: v[-1] for k, v in parse_qs(self.parts.query).items()}
        self.on_reply: ReplyHandler | None = None

    @classmethod
    def from_url(cls, url: str) -> Channel:
        return cls(url)

    def to_url(self, *, privacy: bool = True) -> str:
        if not privacy:
            return self.url
        p = self.parts
        netloc = p.hostname or ""
        if p.port:
            netloc += f":{p.port}"
        if p.username:
            netloc = ("****" if self.user_is_secret else p.username) + (":****" if p.password else "") + "@" + netloc
        q = "&".join(f"{k}={'****' if k in self.secret_params else v}" for k, v in self.params.items())
        return urlunsplit((p.scheme, netloc, p.path, q, ""))

    user_is_secret: ClassVar[bool] = False

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.to_url(privacy=True)}>"

    def open(self) -> None:  # noqa: B027 - optional hook
        """Connect (SMPP bind, MQTT connect). Called once before the first send."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Disconnect."""

    @abstractmethod
    def send(self, msg: Message) -> DeliveryResult: ...

    def result(self, msg: Message, status: Status, detail: str = "", remote_id: str = "") -> DeliveryResult:
        return DeliveryResult(status=status, channel=self.kind, recipient=msg.recipient, attempt=msg.attempt, detail=detail,
                              remote_id=remote_id)
