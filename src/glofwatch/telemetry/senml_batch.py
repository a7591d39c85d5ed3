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
_PLAIN_KEYS = frozenset(("n", "t", "v", "u"))


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
    n = len(cols.ts)
    blocks = slow
    if n:
        # times and values are converted once per batch (round-half-even like Python's round())
        ts = np.array(cols.ts, dtype=np.float64)
        t_a = np.rint(ts * 1000.0).astype(np.int64)
        t_a[ts < RELATIVE_LIMIT_S] += now_ms
        value = np.array(cols.value, dtype=np.float64)  # None (``v: null`` or no ``v``) becomes NaN
        rm, rr = np.array(cols.msg, dtype=np.int32), np.array(cols.rec, dtype=np.int32)
        any_unit = any(u is not None for u in cols.unit)
        unit = np.empty(n, dtype=object)
        if any_unit:
            unit[:] = cols.unit
        fast = Incoming(
            station=np.array(cols.station, dtype=str), sensor=np.array(cols.sensor, dtype=object), t_ms=t_a,
            value=value, missing=np.isnan(value), bad_value=np.zeros(n, dtype=bool),
            where=lambda i: f"{wheres[rm[i]]} record {rr[i]}",
            raw_time=lambda i: str(t_a[i]), raw_value=lambda i: "?", unit=unit if any_unit else None,
        )
        blocks = [fast, *slow]
    return concat(blocks)


class _Columns:
    """The decoded rows of a batch, column by column (plain lists: appending is what the loop does most).

    ``ts`` holds SenML times in seconds (``bt + t``) and ``value`` the raw ``v`` (None when missing);
    both become arrays once per batch.
    """

    __slots__ = ("station", "sensor", "ts", "value", "unit", "msg", "rec")

    def __init__(self) -> None:
        self.station: list[str] = []
        self.sensor: list[str] = []
        self.ts: list[float] = []
        self.value: list[float | None] = []
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
    n0 = len(cols.ts)
    st_a, se_a, ts_a, v_a, u_a = cols.station.append, cols.sensor.append, cols.ts.append, cols.value.append, \
        cols.unit.append
    full, plain = _FULL_PARSER_KEYS, _PLAIN_KEYS
    names: dict[str, tuple[str, str]] = {}  # resolved record names of this pack
    bn, bt, bu = "", 0.0, None
    for rec in pack:
        if type(rec) is not dict:
            break
        if not rec.keys() <= plain:  # base fields, or something only parse_pack handles
            if not full.isdisjoint(rec):
                break
            if "bn" in rec:
                bn = str(rec["bn"])
            if "bt" in rec:
                bt = rec["bt"]
                if type(bt) is not int and type(bt) is not float:  # a string, a bool...; JSON has no NaN
                    break
            if "bu" in rec:
                bu = rec["bu"]
        n = rec.get("n", "")
        name = bn + (n if type(n) is str else str(n))
        parts = names.get(name)
        if parts is None:
            if "/" in name:
                rst, rse = name.rsplit("/", 1)
                rst = rst.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
                if station and rst != station:
                    break
            elif not station or not name:
                break
            else:
                rst, rse = station, name
            parts = names[name] = (rst, rse)
        rt = rec.get("t", 0)
        if type(rt) is not int and type(rt) is not float:
            break
        val = rec.get("v")
        if val is not None and type(val) is not int and type(val) is not float:
            break
        u = rec.get("u", bu)
        if u is not None and type(u) is not str:
            break
        st_a(parts[0])
        se_a(parts[1])
        ts_a(bt + rt)
        v_a(val)
        u_a(u)
    else:
        k = len(cols.ts) - n0
        cols.msg.extend([j] * k)
        cols.rec.extend(range(k))
        return True
    cols.truncate(n0)
    return False
