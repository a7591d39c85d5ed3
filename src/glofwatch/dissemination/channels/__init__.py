"""Channel plug-ins, one a file, found by URL scheme (the registry holds dotted paths; imports are lazy).

>>> channel_from_url("smtp://127.0.0.1:8025?from=alerts@mes.kg").kind  # doctest: +SKIP
'email'
"""

from __future__ import annotations

from importlib import import_module

from glofwatch.dissemination.channels.base import Channel, DeliveryResult, Message
from glofwatch.errors import ConfigError

REGISTRY: dict[str, str] = {
    "smpp": "glofwatch.dissemination.channels.smpp:SmppChannel",
    "sms+http": "glofwatch.dissemination.channels.sms_http:HttpSmsChannel",
    "sms+https": "glofwatch.dissemination.channels.sms_http:HttpSmsChannel",
    "tgram": "glofwatch.dissemination.channels.telegram:TelegramChannel",
    "smtp": "glofwatch.dissemination.channels.email:EmailChannel",
    "smtps": "glofwatch.dissemination.channels.email:EmailChannel",
    "mqtt": "glofwatch.dissemination.channels.siren_mqtt:SirenChannel",
    "webhook": "glofwatch.dissemination.channels.webhook:WebhookChannel",
    "webhooks": "glofwatch.dissemination.channels.webhook:WebhookChannel",
    "capdir": "glofwatch.dissemination.channels.capfeed:CapDirChannel",
}


def channel_class(scheme: str) -> type[Channel]:
    path = REGISTRY.get(scheme)
    if path is None:
        raise ConfigError(f"unknown channel scheme {scheme!r}; known: {', '.join(sorted(REGISTRY))} "
                          "(or register a dotted path in glofwatch.dissemination.channels.REGISTRY)")
    mod, _, cls = path.partition(":")
    return getattr(import_module(mod), cls)  # type: ignore[no-any-return]


def channel_from_url(url: str) -> Channel:
    """Build a channel from its URL, e.g. ``smpp://user:pw@host:2775?source=MChS``."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    return channel_class(scheme).from_url(url)


__all__ = ["REGISTRY", "Channel", "DeliveryResult", "Message", "channel_class", "channel_from_url"]
