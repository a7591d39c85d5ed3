"""Settings of warnings and dissemination: one typed object, defaults in one place."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from glofwatch.errors import ConfigError


class WarningsConfig(BaseModel):
    """How alerts are written and delivered.

    sender: CAP ``<sender>`` (an e-mail-like id of the issuing authority).
    signing_key / signing_cert: PEM files; when both are set every CAP document is signed.
    web: link in CAP ``<web>`` and in messages; qr_base: the check-in URL a household's QR code carries.
    retry_base_s / retry_max: transient errors are retried after base, 2*base, 4*base ... at most ``retry_max`` times.
    rate_per_s: per-channel limit (messages a second); missing -> unlimited.
    escalate_after_s: no acknowledgement from a household this long after an evacuate/warning -> an SMS reminder.
    public_from: the lowest level of an *automatic* (detection) alert that reaches households and sirens; below it an
    alert goes to the console, the CAP feed and partners only (an advisory or watch from the detectors is for the duty
    officer: a warm spell or a geophone's knock is no reason to text every family). Once an alert thread reached
    households they also get its updates and its all-clear. An operator's own alerts always reach them.
    fallback: the next channel to try when one fails for good.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    sender: str = "glofwatch@mes.kg"
    contact: str = "112"
    web: str = ""
    signing_key: Path | None = None
    signing_cert: Path | None = None
    qr_base: str = "http://127.0.0.1:8000/checkin"
    qr_secret: str = "change-me"
    retry_base_s: float = 2.0
    retry_max: int = 5
    rate_per_s: dict[str, float] = Field(default_factory=dict)
    escalate_after_s: float = 600.0
    fallback: dict[str, str] = Field(default_factory=lambda: {"telegram": "sms", "sms": "email"})
    languages: tuple[str, ...] = ("ky", "ru", "en")
    names: dict[str, dict[str, dict[str, str]]] = Field(default_factory=dict)
    email_all: bool = True  # also e-mail households that gave an address (in addition to SMS/Telegram)
    public_from: Literal["advisory", "watch", "warning", "evacuate"] = "warning"

    def signing(self) -> tuple[bytes, bytes] | None:
        if self.signing_key and self.signing_cert:
            return self.signing_key.read_bytes(), self.signing_cert.read_bytes()
        return None


PUBLIC_FROM_ENV = "GLOFWATCH_PUBLIC_FROM"


def from_environment(environ: Mapping[str, str] | None = None) -> WarningsConfig:
    """The settings a server or worker runs with: the defaults, and ``GLOFWATCH_PUBLIC_FROM`` (the lowest level of an
    automatic alert that reaches households) when set. A wrong value is refused with the values that work."""
    env = os.environ if environ is None else environ
    value = env.get(PUBLIC_FROM_ENV, "").strip()
    if not value:
        return WarningsConfig()
    from glofwatch.detection.decision import LEVELS

    if value not in LEVELS:
        raise ConfigError(f"{PUBLIC_FROM_ENV}={value!r} is not an alert level: set it to one of {', '.join(LEVELS)} "
                          "(or unset it for the default, warning)")
    return WarningsConfig(public_from=value)  # type: ignore[arg-type]
