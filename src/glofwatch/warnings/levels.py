"""Alert levels and their CAP 1.2 values, as data (DESIGN.md §3).

>>> CAP_LEVELS["evacuate"].urgency
'Immediate'
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class CapLevel:
    """The CAP <info> values of one level, its outbox lane (0 is sent first) and its map colour."""

    urgency: str
    severity: str
    certainty: str
    response: str
    lane: int
    colour: str
    expires_h: float


CAP_LEVELS: dict[str, CapLevel] = {
    "advisory": CapLevel(urgency="Future", severity="Minor", certainty="Possible", response="Monitor", lane=3,
                         colour="#f5d90a", expires_h=24),
    "watch": CapLevel(urgency="Future", severity="Moderate", certainty="Possible", response="Prepare", lane=2,
                      colour="#f59e0b", expires_h=12),
    "warning": CapLevel(urgency="Expected", severity="Severe", certainty="Likely", response="Prepare", lane=1,
                        colour="#ef4444", expires_h=6),
    "evacuate": CapLevel(urgency="Immediate", severity="Extreme", certainty="Observed", response="Evacuate", lane=0,
                         colour="#7f1d1d", expires_h=6),
    "all_clear": CapLevel(urgency="Past", severity="Minor", certainty="Observed", response="AllClear", lane=1,
                          colour="#16a34a", expires_h=6),
    # a CAP status=Test message: reaches no household
    "test": CapLevel(urgency="Unknown", severity="Unknown", certainty="Unknown", response="None", lane=4,
                     colour="#9ca3af", expires_h=1),
}

CATEGORY = {"glof": "Geo", "debris_flow": "Geo", "flood": "Met"}
