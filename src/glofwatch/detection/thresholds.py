"""The baseline: well-tuned fixed thresholds on the detectors, no learning (what fusion must beat).

Rules per hazard; the *entry* level uses the thresholds below, the *stay* level the same rules at
half the thresholds (hysteresis, see :mod:`glofwatch.detection.policy`).

- outburst of a lake: ``evacuate`` when the lake level fell ``DROP_EVAC`` m and two readings agree,
  ``warning`` on one reading, ``advisory`` on a smaller fall or a silent lake station. A destroyed
  lake station is therefore only an advisory: the known weakness of fixed thresholds.
- debris flow in a valley: ``evacuate`` when a geophone passes STA/LTA ``GEO_EVAC`` and a gauge on
  the same path rises ``GAUGE_EVAC`` m; ``warning`` on either a strong geophone trigger with rain
  over Caine's threshold or a large gauge rise; ``advisory`` on a weaker trigger.
"""

from __future__ import annotations

import numpy as np

DROP_EVAC = 0.3
DROP_ADV = 0.1
GEO_EVAC = 6.0
GEO_ADV = 4.0
GAUGE_EVAC = 0.5
GAUGE_WARN = 1.0


def _levels(raw: dict[str, np.ndarray], hazard: str, k: float) -> np.ndarray:
    n = len(raw["drop"])
    lv = np.zeros(n, dtype=np.int8)
    if hazard == "glof":
        lv = np.where((raw["drop"] >= DROP_ADV * k) | (raw["lake_missed"] >= 3), 1, lv)
        lv = np.where(raw["drop"] >= DROP_EVAC * k, 3, lv)
        lv = np.where(raw["drop2"] >= DROP_EVAC * k, 4, lv)
    else:
        geo, gauge, rain = raw["geo_ratio"], raw["gauge"], raw["rain_c"]
        lv = np.where((geo >= GEO_ADV * k) | (gauge >= GAUGE_EVAC * k), 1, lv)
        lv = np.where(((geo >= GEO_EVAC * k) & (rain >= 1.0)) | (gauge >= GAUGE_WARN * k), 3, lv)
        lv = np.where((geo >= GEO_EVAC * k) & (gauge >= GAUGE_EVAC * k), 4, lv)
    return lv.astype(np.int8)


class ThresholdScorer:
    name = "thresholds"

    def score(self, hazard: str, raw: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """(entry level, stay level, probability or None) at each tick; levels 0..4 as in policy.LEVEL_NAMES."""
        return _levels(raw, hazard, 1.0), _levels(raw, hazard, 0.5), None
