"""The console's adapter to alerting: ``glofwatch.warnings``, ``.dissemination`` and ``.evacuation``.

Those packages own the alert lifecycle, CAP, the outbox and the counts (their API is in
``docs/warnings.md``); the console only calls them and turns their frozen dataclasses into JSON.
Everything is imported lazily: when alerting is not installed the console still serves the map,
stations and series, and the alert endpoints answer 503 with :data:`Unavailable`'s reason.
"""

from __future__ import annotations

import dataclasses
import importlib
from typing import Any

from sqlalchemy import Engine

from glofwatch.clock import Clock, iso, ms
from glofwatch.detection.decision import level_rank
from glofwatch.errors import GlofwatchError
from glofwatch.site.model import Site


class Unavailable(GlofwatchError):
    """Alerting (glofwatch.warnings/dissemination/evacuation) cannot be used; the message says why."""


def plain(x: Any) -> Any:
    """JSON-ready data from the service's dataclasses: ``*_ms`` fields get an ISO ``*`` twin (``sent_ms`` -> ``sent``)."""
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        x = {f.name: getattr(x, f.name) for f in dataclasses.fields(x)}
    if isinstance(x, dict):
        out = {str(k): plain(v) for k, v in x.items()}
        for k, v in list(out.items()):
            if k.endswith("_ms") and isinstance(v, int) and k[:-3] not in out:
                out[k[:-3]] = iso(v)
        return out
    if isinstance(x, (list, tuple, set, frozenset)):
        return [plain(v) for v in x]
    if isinstance(x, bytes):
        return x.decode()
    return x


class _Modules:
    def __init__(self, owner: Alerting):
        self.owner = owner

    def __getitem__(self, key: str) -> Any:
        mods = self.owner._mods
        if key not in mods:
            name = Alerting.MODULES[key]
            try:
                mods[key] = importlib.import_module(name)
            except ImportError as e:
                raise Unavailable(f"{name} is not available in this installation ({e}); "
                                  "install glofwatch with its warnings/evacuation packages to use this") from e
        return mods[key]


class Alerting:
    """Alert actions and reads for one site, on the store's engine, with an injected clock."""

    def __init__(self, engine: Engine, site: Site, clock: Clock):
        self.engine, self.site, self.clock = engine, site, clock
        self._mods: dict[str, Any] = {}

    MODULES = {"ws": "glofwatch.warnings.service", "ev": "glofwatch.evacuation.service",
               "outbox": "glofwatch.dissemination.outbox"}

    def _m(self) -> _Modules:
        """The alerting modules, each imported on first use (a missing one only disables what needs it)."""
        return _Modules(self)

    def available(self) -> str | None:
        """None when alerts can be issued and read, else the reason."""
        try:
            self._m()["ws"]
            self._m()["outbox"]
        except Unavailable as e:
            return str(e)
        return None

    # --------------------------------------------------------------- reads
    def _alert(self, a: Any) -> dict[str, Any]:
        """An AlertRecord as JSON, with its ``level`` and whether it is ``active`` now."""
        d = plain(a)
        d["level"] = getattr(a, "level", d.get("kind"))
        is_active = getattr(a, "is_active", None)
        d["active"] = bool(is_active(ms(self.clock.now()))) if callable(is_active) else None
        d["drill"] = d.get("status") == "Exercise"
        return d

    def alerts(self, *, active_only: bool = False) -> list[dict[str, Any]]:
        recs = self._m()["ws"].list_alerts(self.engine, self.site.id, active_only=active_only, now_ms=ms(self.clock.now()))
        return [self._alert(a) for a in recs]

    def alert(self, alert_id: str) -> dict[str, Any]:
        return self._alert(self._m()["ws"].get_alert(self.engine, alert_id))

    def thread(self, alert_id: str) -> list[dict[str, Any]]:
        return [self._alert(a) for a in self._m()["ws"].thread(self.engine, alert_id)]

    def cap_xml(self, alert_id: str) -> bytes:
        return bytes(self._m()["ws"].cap_xml(self.engine, alert_id))

    def atom_feed(self, base_url: str) -> bytes:
        return bytes(self._m()["ws"].atom_feed(self.engine, self.site, base_url=base_url, clock=self.clock))

    def deliveries(self, alert_id: str | None = None, household: str | None = None) -> list[dict[str, Any]]:
        return [plain(d) for d in self._m()["outbox"].deliveries(self.engine, alert_id=alert_id, household=household)]

    def delivery_summary(self, alert_id: str) -> dict[str, dict[str, int]]:
        return plain(self._m()["outbox"].summary(self.engine, alert_id))

    def counts(self, alert_id: str) -> dict[str, Any]:
        return plain(self._m()["ev"].alert_counts(self.engine, self.site, alert_id))

    def needs_help(self, alert_id: str) -> list[dict[str, Any]]:
        return [plain(x) for x in self._m()["ev"].needs_help(self.engine, self.site, alert_id)]

    def zone_levels(self) -> dict[str, dict[str, Any]]:
        """Zone -> the highest active level over it (``drill`` true when only exercises put it there)."""
        out: dict[str, dict[str, Any]] = {}
        for a in self.alerts(active_only=True):
            lvl = a.get("level") or ""
            drill = a.get("status") != "Actual"
            for z in a.get("zones") or []:
                cur = out.get(z)
                better = cur is None or (cur["drill"] and not drill) or (
                    cur["drill"] == drill and level_rank(lvl) > level_rank(cur["level"]))
                if better:
                    out[z] = {"level": lvl, "drill": drill, "alert": a.get("id")}
        return out

    # ------------------------------------------------------------- actions
    def issue(self, *, level: str, hazard: str, zones: list[str], lake: str | None, operator: str, note: str,
              drill: bool = False) -> dict[str, Any]:
        ws = self._m()["ws"]
        if drill:
            r = ws.drill(self.engine, self.site, level=level, zones=zones, operator=operator, clock=self.clock)
        else:
            r = ws.issue(self.engine, self.site, level=level, hazard=hazard, zones=zones, lake=lake, operator=operator,
                         note=note, clock=self.clock)
        return self._result(r)

    def _result(self, r: Any) -> dict[str, Any]:
        """An IssueResult as JSON (alert with level and active flag, deliveries planned, problems)."""
        out = plain(r)
        out["alert"] = self._alert(r.alert)
        return out

    def update(self, alert_id: str, *, level: str | None, zones: list[str] | None, operator: str, note: str) -> dict[str, Any]:
        ws = self._m()["ws"]
        kw: dict[str, Any] = {"operator": operator, "note": note, "clock": self.clock}
        if level is not None:
            kw["level"] = level
        if zones is not None:
            kw["zones"] = zones
        return self._result(ws.update(self.engine, self.site, alert_id, **kw))

    def cancel(self, alert_id: str, *, operator: str, note: str) -> dict[str, Any]:
        ws = self._m()["ws"]
        return self._result(ws.cancel(self.engine, self.site, alert_id, operator=operator, note=note, clock=self.clock))

    def all_clear(self, alert_id: str, *, operator: str) -> dict[str, Any]:
        return self._result(self._m()["ws"].all_clear(self.engine, self.site, alert_id, operator=operator, clock=self.clock))

    def record_ack(self, *, household: str, answer: str, operator: str, alert_id: str | None) -> dict[str, Any]:
        return plain(self._m()["ev"].record_ack(self.engine, self.site, household=household, answer=answer, via="operator",
                                                clock=self.clock, alert_id=alert_id))

    def check_in(self, *, household: str, shelter: str, people: int | None, alert_id: str | None = None) -> dict[str, Any]:
        return plain(self._m()["ev"].check_in(self.engine, self.site, household=household, shelter=shelter, people=people,
                                              via="operator", clock=self.clock, alert_id=alert_id))
