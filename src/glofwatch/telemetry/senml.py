"""SenML (RFC 8428) JSON: parse a pack into readings, and write one.

glofwatch names a record ``<sensor>`` with the station taken from the MQTT topic or the HTTP
token, or ``<station>/<sensor>`` in full (``bn`` + ``n``, RFC 8428 §4.5.1). Times are seconds since
the epoch (``bt`` + ``t``); a resolved time below 2**28 is relative to now (§4.5.3). Only numeric
values (``v``, ``bv``) are readings; ``v: null`` is a missing value; string, boolean and data values
and sums are rejected with the reason. The ``u`` unit, when present, must be the sensor's unit.

`senml` on PyPI is a 2016 0.1.0 release; this ~100-line parser over orjson is ours.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import orjson

from glofwatch.telemetry.batch import BAD_TIME, Incoming

RELATIVE_LIMIT_S = 2**28


class SenMLError(ValueError):
    """The pack as a whole is not SenML (not JSON, not an array of objects)."""


def parse_pack(payload: bytes | str, *, station: str | None, now_ms: int, where: str) -> Incoming:
    """Parse one SenML pack. Per-record problems are carried in the result, never raised.

    ``station``: the station the transport vouches for (topic or token); a record naming another
    station is refused. Raises :class:`SenMLError` only when the payload is not a SenML pack at all.
    """
    try:
        pack = orjson.loads(payload)
    except orjson.JSONDecodeError as e:
        raise SenMLError(f"{where}: not JSON ({e}); a SenML pack is a JSON array of records") from e
    if isinstance(pack, dict):
        pack = [pack]
    if not isinstance(pack, list):
        raise SenMLError(f"{where}: a SenML pack is a JSON array of records, got {type(pack).__name__}")
    n = len(pack)
    st = np.empty(n, dtype=object)
    se = np.empty(n, dtype=object)
    t = np.empty(n, dtype=np.int64)
    v = np.full(n, np.nan)
    miss = np.zeros(n, dtype=bool)
    badv = np.zeros(n, dtype=bool)
    unit = np.empty(n, dtype=object)
    prob: list[str | None] = [None] * n
    raw_t: list[Any] = [None] * n
    raw_v: list[Any] = [None] * n
    bn, bt, bu, bv = "", 0.0, None, 0.0
    for i, rec in enumerate(pack):
        st[i], se[i], t[i] = station or "", "", BAD_TIME
        if not isinstance(rec, dict):
            prob[i] = f"record is {type(rec).__name__}, not an object"
            continue
        if "bn" in rec:
            bn = str(rec["bn"])
        if "bt" in rec:
            bt = rec["bt"] if isinstance(rec["bt"], int | float) else math.nan
        if "bu" in rec:
            bu = rec["bu"]
        if "bv" in rec:
            bv = rec["bv"] if isinstance(rec["bv"], int | float) else 0.0
        name = bn + str(rec.get("n", ""))
        if not name:
            prob[i] = "record has no name (n or bn)"
            continue
        if "/" in name:
            rst, rse = name.rsplit("/", 1)
            rst = rst.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
            if station and rst != station:
                prob[i] = f"record names station '{rst}' but arrived for station '{station}'"
            st[i], se[i] = rst, rse
        else:
            if not station:
                prob[i] = f"record '{name}' has no station: name it <station>/<sensor> or send it on the station's topic"
            se[i] = name
        rt = rec.get("t", 0)
        raw_t[i] = rt
        if not isinstance(rt, int | float) or isinstance(rt, bool) or math.isnan(bt):
            prob[i] = prob[i] or f"time t={rt!r} (bt={bt!r}) is not a number of seconds"
        else:
            ts = bt + rt
            if ts < RELATIVE_LIMIT_S:
                t[i] = now_ms + int(round(ts * 1000))
            else:
                t[i] = int(round(ts * 1000))
        u = rec.get("u", bu)
        unit[i] = u
        if "v" in rec:
            val = rec["v"]
            raw_v[i] = val
            if val is None:
                miss[i] = True
            elif isinstance(val, int | float) and not isinstance(val, bool):
                v[i] = val + bv
            else:
                badv[i] = True
        elif any(k in rec for k in ("vs", "vb", "vd")):
            prob[i] = prob[i] or "only numeric values (v) are readings; string, boolean and data values are refused"
        elif "s" in rec:
            prob[i] = prob[i] or "SenML sums (s) are not accepted: send the interval's value as v"
        elif "bv" in rec:
            v[i] = bv
        else:
            miss[i] = True
    return Incoming(
        station=st, sensor=se, t_ms=t, value=v, missing=miss, bad_value=badv,
        where=lambda i: f"{where} record {i}", raw_time=lambda i: repr(raw_t[i]), raw_value=lambda i: repr(raw_v[i]),
        problem=prob if any(p is not None for p in prob) else None, unit=unit,
    )


def dump_pack(records: Iterable[tuple[str, float, float | None]], *, base_name: str = "",
              unit: dict[str, str] | None = None) -> bytes:
    """Serialise ``(name, time_s, value)`` tuples as a SenML pack (``bn``/``bt`` factored out)."""
    recs = list(records)
    if not recs:
        return b"[]"
    bt = recs[0][1]
    out: list[dict[str, Any]] = []
    for k, (name, ts, val) in enumerate(recs):
        r: dict[str, Any] = {"n": name, "v": val}
        if k == 0:
            if base_name:
                r["bn"] = base_name
            r["bt"] = bt
        if ts != bt:
            r["t"] = ts - bt
        if unit and name in unit:
            r["u"] = unit[name]
        out.append(r)
    return orjson.dumps(out)
