"""Decode a batch of SenML packs (one MQTT batch) into one :class:`Incoming`, fast.

:func:`glofwatch.telemetry.senml.parse_pack` is the reference parser: it handles every SenML
case and explains every problem. It builds numpy arrays per pack, which costs ~30 µs for a
one-reading message, more than everything else the worker does per message. This module takes
the common case (numeric ``v`` or ``v: null``, names, ``bn``/``bt``/``bu``, ``t``, ``u``) of a whole
batch in one plain-Python loop and builds the arrays once. Any pack with something else in it
(``bv``, string/boolean/data values, sums, non-numeric times, records that name another station,
non-objects, JSON errors...) goes to ``parse_pack`` unchanged, so problems keep the reference
parser's wording. ``tests/telemetry/test_mqtt_decode.py`` checks that both give the same readings.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import orjson

from glofwatch.telemetry.batch import Incoming, IngestReport
from glofwatch.telemetry.pipeline import concat
from glofwatch.telemetry.senml import RELATIVE_LIMIT_S, SenMLError, parse_pack

_FULL_PARSER_KEYS = frozenset(("bv", "vs", "vb", "vd", "s"))


def decode_packs(items: Sequence[tuple[bytes, str | None, str]], *, now_ms: int, report: IngestReport) -> Incoming:
    """``(payload, station, where)`` per message -> one Incoming; a pack that is not SenML is rejected in ``report``.

    ``station`` is the station the transport vouches for (the topic), as in ``parse_pack``.
    Row ``i`` of the result reports itself as ``"<where> record <k>"``, like ``parse_pack``.
    """
    cols = _Columns()
    slow: list[Incoming] = []
    wheres = [w for _p, _s, w in items]
    for j, (payload, station, where) in enumerate(items):
        if not _fast(payload, station, now_ms, j, cols):
            try:
                slow.append(parse_pack(payload, station=station, now_ms=now_ms, where=where))
            except SenMLError as e:
                report.reject(where, str(e).removeprefix(where + ": "))
    n = len(cols.t)
    blocks = slow
    if n:
        t_a = np.array(cols.t, dtype=np.int64)
        rm, rr = np.array(cols.msg, dtype=np.int32), np.array(cols.rec, dtype=np.int32)
        any_unit = any(u is not None for u in cols.unit)
        unit = np.empty(n, dtype=object)
        if any_unit:
            unit[:] = cols.unit
        fast = Incoming(
            station=np.array(cols.station, dtype=str), sensor=np.array(cols.sensor, dtype=object), t_ms=t_a,
            value=np.array(cols.value, dtype=np.float64), missing=np.array(cols.missing, dtype=bool),
            bad_value=np.zeros(n, dtype=bool), where=lambda i: f"{wheres[rm[i]]} record {rr[i]}",
            raw_time=lambda i: str(t_a[i]), raw_value=lambda i: "?", unit=unit if any_unit else None,
        )
        blocks = [fast, *slow]
    return concat(blocks)


class _Columns:
    """The decoded rows of a batch, column by column (plain lists: appending is what the loop does most)."""

    __slots__ = ("station", "sensor", "t", "value", "missing", "unit", "msg", "rec")

    def __init__(self) -> None:
        self.station: list[str] = []
        self.sensor: list[str] = []
        self.t: list[int] = []
        self.value: list[float] = []
        self.missing: list[bool] = []
        self.unit: list[object] = []
        self.msg: list[int] = []
        self.rec: list[int] = []

    def truncate(self, n: int) -> None:
        for name in self.__slots__:
            del getattr(self, name)[n:]


def _fast(payload: bytes, station: str | None, now_ms: int, j: int, cols: _Columns) -> bool:
    """Append the rows of a plain pack to ``cols``, exactly as ``parse_pack`` would make them.

    Returns False (and appends nothing) when the pack needs ``parse_pack``.
    """
    try:
        pack = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return False
    if type(pack) is dict:
        pack = [pack]
    elif type(pack) is not list:
        return False
    n0 = len(cols.t)
    st_a, se_a, t_a, v_a = cols.station.append, cols.sensor.append, cols.t.append, cols.value.append
    m_a, u_a = cols.missing.append, cols.unit.append
    full = _FULL_PARSER_KEYS
    nan = np.nan
    bn, bt, bu = "", 0.0, None
    for rec in pack:
        if type(rec) is not dict or not full.isdisjoint(rec):
            break
        if "bn" in rec:
            bn = str(rec["bn"])
        if "bt" in rec:
            bt = rec["bt"]
            if type(bt) is not int and type(bt) is not float:  # a string, a bool...; JSON has no NaN
                break
        if "bu" in rec:
            bu = rec["bu"]
        name = bn + str(rec.get("n", ""))
        if "/" in name:
            rst, rse = name.rsplit("/", 1)
            rst = rst.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
            if station and rst != station:
                break
        elif not station or not name:
            break
        else:
            rst, rse = station, name
        rt = rec.get("t", 0)
        if type(rt) is not int and type(rt) is not float:
            break
        ts = bt + rt
        val = rec.get("v")
        if val is None:
            v_a(nan)
            m_a(True)
        elif type(val) is int or type(val) is float:
            v_a(val + 0.0)
            m_a(False)
        else:
            v_a(nan)  # keep the columns aligned until the truncate below
            break
        st_a(rst)
        se_a(rse)
        t_a(now_ms + int(round(ts * 1000)) if ts < RELATIVE_LIMIT_S else int(round(ts * 1000)))
        u_a(rec.get("u", bu))
    else:
        k = len(cols.t) - n0
        cols.msg.extend([j] * k)
        cols.rec.extend(range(k))
        return True
    cols.truncate(n0)
    return False
