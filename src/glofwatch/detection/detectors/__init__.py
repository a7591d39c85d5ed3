"""Detector plug-ins, one a file, registered by name (dotted paths imported lazily, pygeoapi-style).

``get("level_drop")`` returns an instance; an external detector can be named by its dotted path
(``"mypkg.mod:MyDetector"``). Each plug-in documents what it reads and why it fires.
"""

from __future__ import annotations

import importlib
from typing import Any

REGISTRY: dict[str, str] = {
    "level_drop": "glofwatch.detection.detectors.level_drop:LevelDrop",
    "level_slide": "glofwatch.detection.detectors.level_slide:LevelSlide",
    "sta_lta": "glofwatch.detection.detectors.sta_lta:StaLta",
    "gauge_rise": "glofwatch.detection.detectors.gauge_rise:GaugeRise",
    "rainfall": "glofwatch.detection.detectors.rainfall:Rainfall",
    "spillway": "glofwatch.detection.detectors.spillway:Spillway",
    "warm_spell": "glofwatch.detection.detectors.warm_spell:WarmSpell",
    "station_silent": "glofwatch.detection.detectors.station_silent:StationSilent",
}

#: the per-sensor detectors the engine runs (station_silent is computed per station at each tick)
SENSOR_DETECTORS: tuple[str, ...] = ("level_drop", "level_slide", "sta_lta", "gauge_rise", "rainfall", "spillway",
                                     "warm_spell")


def get(name: str) -> Any:
    """An instance of the detector ``name`` (a registered name or ``package.module:Class``)."""
    path = REGISTRY.get(name, name)
    if ":" not in path:
        raise KeyError(f"unknown detector {name!r}; registered: {', '.join(sorted(REGISTRY))} "
                       "(or give a dotted path like 'package.module:Class')")
    mod, cls = path.split(":", 1)
    return getattr(importlib.import_module(mod), cls)()
