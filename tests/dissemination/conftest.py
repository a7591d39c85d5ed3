"""Loopback peers for channel tests: an SMPP SMSC, an HTTP API (Telegram/SMS gateway/webhook),
a real SMTP server (aiosmtpd), sirens on the real Mosquitto ``broker`` fixture."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from glofwatch.dissemination.emulators.http_api import LoopbackApi
from glofwatch.dissemination.emulators.siren import SirenEmulator
from glofwatch.dissemination.emulators.smpp_server import SmppServer
from glofwatch.dissemination.emulators.smtp import SmtpRecorder
from glofwatch.site import Site
from glofwatch.testing.services import MosquittoBroker


@pytest.fixture
def smsc() -> Iterator[SmppServer]:
    with SmppServer() as s:
        yield s


@pytest.fixture
def api() -> Iterator[LoopbackApi]:
    with LoopbackApi() as a:
        yield a


@pytest.fixture
def smtp() -> Iterator[SmtpRecorder]:
    with SmtpRecorder() as s:
        yield s


@pytest.fixture
def sirens(broker: MosquittoBroker, site: Site) -> Iterator[SirenEmulator]:
    with SirenEmulator("127.0.0.1", broker.port, [s.id for s in site.sirens]) as e:
        yield e
