"""Unit spellings that mean the same thing.

Loggers, SenML (RFC 8428 §12) and UDUNITS spell units differently: a TOA5 file says ``Celsius``,
SenML says ``Cel``, the site file says ``degC``. :func:`same_unit` tells whether two spellings
are the same unit; glofwatch does not convert between different units (a site maps a column with
another unit explicitly, with ``scale``/``offset``).
"""

from __future__ import annotations

_ALIASES: dict[str, str] = {}


def _group(canonical: str, *spellings: str) -> None:
    for s in (canonical, *spellings):
        _ALIASES[s.strip().lower()] = canonical


_group("degC", "Cel", "Celsius", "deg C", "°C", "C", "degree_Celsius", "degrees_C")
_group("K", "kelvin")
_group("%", "%RH", "percent", "1e-2")
_group("m", "meter", "metre", "meters", "metres")
_group("mm", "millimeter", "millimetre")
_group("m s-1", "m/s", "m s^-1", "meter/second")
_group("mm s-1", "mm/s", "mm s^-1")
_group("mm h-1", "mm/h", "mm/hr")
_group("V", "Volt", "volts")
_group("W m-2", "W/m2", "W/m^2")
_group("hPa", "mbar", "millibar")
_group("Pa")
_group("m3 s-1", "m3/s", "m^3/s")
_group("degree", "deg", "degrees", "°")


def canonical_unit(unit: str | None) -> str | None:
    """The canonical spelling of ``unit``; unknown spellings come back unchanged (stripped)."""
    if unit is None:
        return None
    u = unit.strip()
    return _ALIASES.get(u.lower(), u)


def same_unit(a: str | None, b: str | None) -> bool:
    """True when both spell the same unit. An absent unit on either side is not a mismatch."""
    if not a or not b:
        return True
    return canonical_unit(a) == canonical_unit(b)
