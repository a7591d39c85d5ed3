"""Travel time of the flood wave to each zone: chainage over a wave-speed range.

GLOF and debris-flow fronts run at roughly 2-10 m/s in mountain channels (DESIGN.md §1; Illgraben
front velocities 0.5-14 m/s, ``shared/data/seismic``): the early arrival (fast wave) is the time to plan
for, the late one how long a zone stays at risk. The central value uses 5 m/s.
"""

from __future__ import annotations

from dataclasses import dataclass

from glofwatch.detection.decision import Arrival


@dataclass(frozen=True)
class WaveSpeed:
    """Front speed range in m/s, with where it comes from."""

    low: float = 2.0
    central: float = 5.0
    high: float = 10.0
    cite: str = "GLOF/debris-flow front speeds 2-10 m/s (DESIGN.md §1; e.g. Huggel et al. 2004; Illgraben fronts)"


def arrivals(zone_km: dict[str, float], speed: WaveSpeed = WaveSpeed()) -> list[Arrival]:
    """One :class:`Arrival` per zone, nearest first: minutes after the outburst at each speed."""
    out = []
    for z, km in sorted(zone_km.items(), key=lambda kv: kv[1]):
        m = km * 1000.0
        out.append(Arrival(zone=z, chainage_km=km, eta_min=m / speed.central / 60.0, eta_min_early=m / speed.high / 60.0,
                           eta_min_late=m / speed.low / 60.0))
    return out
