"""Injectable UTC clocks: the real one, a fixed one for tests, and a replay clock that follows event time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:  # pragma: no cover - protocol
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    """Wall-clock time in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock that only moves when told to (tests, replay)."""

    at: datetime = field(default_factory=lambda: datetime(2025, 7, 27, tzinfo=UTC))

    def now(self) -> datetime:
        return self.at

    def advance(self, **kwargs: float) -> datetime:
        self.at = self.at + timedelta(**kwargs)
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at


def ms(t: datetime) -> int:
    """Milliseconds since the Unix epoch of an aware datetime (naive is taken as UTC)."""
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return int(round(t.timestamp() * 1000))


def parse_iso(s: str) -> datetime:
    """Aware datetime from ISO 8601 text (``Z`` or an offset; naive is taken as UTC)."""
    t = datetime.fromisoformat(s)  # Python >= 3.11 reads the trailing Z
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)


def from_ms(t_ms: int) -> datetime:
    """Aware UTC datetime from epoch milliseconds."""
    return datetime.fromtimestamp(t_ms / 1000, tz=UTC)


def iso(t_ms: int) -> str:
    """ISO 8601 UTC with a ``Z`` from epoch milliseconds, seconds precision unless ms are set."""
    d = from_ms(t_ms)
    if t_ms % 1000:
        return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t_ms % 1000:03d}Z"
    return d.strftime("%Y-%m-%dT%H:%M:%SZ")
