"""Impact: which zones a wave reaches and when (chainage over an estimated wave speed, with its range).

DESIGN.md §1: outburst floods and debris flows run down their channels at roughly 2-10 m/s. Without
better knowledge the central speed is :data:`SPEED_MS`\\[1] (5 m/s) and the range 2-10 m/s; the early
time (fast wave) is the one to plan an evacuation on. When two points of the wave are known (the
lake's change point and a downstream station seeing the front), the speed between them replaces the
central guess (clipped to the range), and times are counted from the most downstream sighting.
"""

from __future__ import annotations

from glofwatch.clock import iso
from glofwatch.detection.decision import Arrival

SPEED_MS = (2.0, 5.0, 10.0)  # slow, central, fast (m/s)


def arrivals(zones: dict[str, float], *, onset_ms: int | None, sighting: tuple[str, float, int] | None,
             from_km: float = 0.0) -> tuple[int | None, list[Arrival], float]:
    """Expected arrival in each zone downstream of what was seen.

    ``zones``: zone -> chainage (km) along the path; ``onset_ms``: when the wave left ``from_km`` (the
    lake's change point), if known; ``sighting``: (station, chainage km, time ms) of the most downstream
    station that saw the front, if any. Returns (onset ms, arrivals nearest first, central speed m/s).
    Zones upstream of a sighting are left out (the wave has passed them or never reaches them).
    """
    slow, central, fast = SPEED_MS
    if sighting is not None and onset_ms is not None and sighting[2] <= onset_ms:
        # seen before the wave left: not its front but what shook that station first (the avalanche that struck the lake,
        # a storm). Timed from it, a blind red-team wave's alert read "wave expected in cha-upper at 08:12 (earliest -4 min
        # after onset)" for a wave that came at 09:19; from the lake's onset, 09:00 (08:30-10:30)
        sighting = None
    if sighting is not None and onset_ms is not None and sighting[1] > from_km:  # seen after the onset (above)
        central = min(max((sighting[1] - from_km) * 1000.0 / ((sighting[2] - onset_ms) / 1000.0), slow), fast)
    if sighting is not None:
        ref_km, ref_ms = sighting[1], sighting[2]
        if onset_ms is None:
            onset_ms = int(ref_ms - (ref_km - from_km) * 1000.0 / central * 1000.0) if ref_km > from_km else ref_ms
    elif onset_ms is not None:
        ref_km, ref_ms = from_km, onset_ms
    else:
        return None, [], central
    out = []
    for zone, km in sorted(zones.items(), key=lambda kv: kv[1]):
        d = (km - ref_km) * 1000.0
        if d < 0:
            continue
        t_c, t_e, t_l = (ref_ms + d / v * 1000.0 for v in (central, fast, slow))
        out.append(Arrival(zone=zone, chainage_km=round(km, 2), eta_min=round((t_c - onset_ms) / 60_000.0, 1),
                           eta_min_early=round((t_e - onset_ms) / 60_000.0, 1),
                           eta_min_late=round((t_l - onset_ms) / 60_000.0, 1), time=iso(int(t_c) // 1000 * 1000)))
    return onset_ms, out, central
