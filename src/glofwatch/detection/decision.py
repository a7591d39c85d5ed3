"""What detection hands to warnings: a :class:`Decision` (pure data, JSON round-trip).

The contract between ``glofwatch.detection`` (which makes decisions, live and in replay) and
``glofwatch.warnings`` (which turns them into CAP alerts and deliveries). Levels are ordered as in
DESIGN.md §3; ``all_clear`` ends a danger announced earlier.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Level = Literal["advisory", "watch", "warning", "evacuate", "all_clear"]
Hazard = Literal["glof", "debris_flow", "flood"]
LEVELS: tuple[str, ...] = ("advisory", "watch", "warning", "evacuate")  # increasing danger


def level_rank(level: str) -> int:
    """0 for all_clear / none, 1 advisory ... 4 evacuate."""
    return LEVELS.index(level) + 1 if level in LEVELS else 0


@dataclass(frozen=True)
class Arrival:
    """Expected arrival of the wave in one zone, minutes after ``Decision.onset``."""

    zone: str
    chainage_km: float
    eta_min: float  # central estimate
    eta_min_early: float  # fast wave (upper speed): the time to plan for
    eta_min_late: float  # slow wave
    time: str | None = None  # ISO 8601 UTC of the central estimate, when the onset is known


@dataclass(frozen=True)
class Decision:
    """A detection decision for one hazard and source.

    time: event time of the decision (ISO 8601 UTC, ``Z``); onset: estimated start of the event.
    zones: zones the wave reaches (from the site's flow paths), nearest first.
    explanation: why, in words an operator reads at 3 a.m. (one line per piece of evidence).
    evidence: machine-readable detector outputs (detector name -> score/details).
    """

    id: str
    site: str
    time: str
    level: Level
    hazard: Hazard
    lake: str | None
    zones: list[str]
    arrivals: list[Arrival] = field(default_factory=list)
    probability: float | None = None
    onset: str | None = None
    explanation: list[str] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)
    previous: str | None = None  # id of the decision this one updates (escalation, all-clear)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Decision:
        d = dict(d)
        d["arrivals"] = [a if isinstance(a, Arrival) else Arrival(**a) for a in d.get("arrivals", [])]
        return cls(**d)
