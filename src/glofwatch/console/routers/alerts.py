"""Alerts (issue, update, cancel, all-clear, drill), deliveries, acknowledgements, evacuation, CAP feed.

Every action needs the operator role, a reason, and is written to the audit log *before* the
answer goes back (who, when, why, what came of it, including refusals by the alert lifecycle).
The CAP feed and CAP documents are the only routes that work without logging in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from glofwatch.console.alerting import Unavailable
from glofwatch.console.deps import ConsoleContext, Principal, client_of, ctx, operator, viewer
from glofwatch.errors import GlofwatchError

router = APIRouter(prefix="/api/v1", tags=["alerts"])
public = APIRouter(tags=["public"])

Level = Literal["advisory", "watch", "warning", "evacuate"]
Hazard = Literal["glof", "debris_flow", "flood"]
Reason = Annotated[str, Field(min_length=3, max_length=2000, description="why: goes to the audit log and the alert note")]
Id = Annotated[str, Field(max_length=200)]


class IssueIn(BaseModel):
    level: Level
    hazard: Hazard = "glof"
    zones: Annotated[list[Annotated[str, Field(max_length=64)]], Field(min_length=1, max_length=100)]
    lake: Annotated[str | None, Field(max_length=64)] = None
    reason: Reason
    drill: bool = Field(default=False, description="an exercise (CAP status Exercise): households get a drill message")


class UpdateIn(BaseModel):
    level: Level | None = None
    zones: Annotated[list[Annotated[str, Field(max_length=64)]], Field(min_length=1, max_length=100)] | None = None
    reason: Reason


class CancelIn(BaseModel):
    reason: Reason
    all_clear: bool = Field(default=False, description="true: the danger is over (AllClear); false: cancel (e.g. false alarm)")


class AckIn(BaseModel):
    household: Annotated[str, Field(max_length=64)]
    answer: Literal["safe", "need_help"]
    alert: Annotated[str | None, Field(max_length=200)] = None


class CheckInIn(BaseModel):
    household: Annotated[str, Field(max_length=64)]
    shelter: Annotated[str, Field(max_length=64)]
    people: Annotated[int | None, Field(ge=0, le=1000, description="default: all members of the household")] = None
    alert: Annotated[str | None, Field(max_length=200)] = None


def _call(fn: Callable[[], Any]) -> Any:
    """Run an alerting call; its refusals become 4xx answers that carry its message."""
    try:
        return fn()
    except Unavailable as e:
        raise HTTPException(503, str(e)) from e
    except KeyError as e:
        raise HTTPException(404, str(e.args[0]) if e.args else "not found") from e
    except GlofwatchError as e:
        # the lifecycle names a missing alert "no alert ..."; everything else is a refused step (409)
        raise HTTPException(404 if str(e).startswith("no alert") else 409, str(e)) from e
    except ValueError as e:
        raise HTTPException(422, str(e)) from e


def _check_site(c: ConsoleContext, zones: list[str] | None, lake: str | None) -> None:
    bad = [z for z in zones or [] if z not in c.site.zone_by_id]
    if bad:
        raise HTTPException(422, f"unknown zone(s) {', '.join(bad)}; the site has {', '.join(c.site.zone_by_id)}")
    if lake is not None and lake not in c.site.lake_by_id:
        raise HTTPException(422, f"unknown lake {lake!r}; the site has {', '.join(c.site.lake_by_id)}")


def _audited(c: ConsoleContext, p: Principal, request: Request, action: str, target: str, reason: str,
             detail: dict[str, Any], fn: Callable[[], Any]) -> Any:
    try:
        out = _call(fn)
    except HTTPException as e:
        c.audit.append(username=p.user.username, role=p.user.role, action=action + ".refused", target=target, reason=reason,
                       detail={**detail, "status": e.status_code, "error": e.detail}, client=client_of(request))
        raise
    alert = out.get("alert", {}) if isinstance(out, dict) else {}
    c.audit.append(username=p.user.username, role=p.user.role, action=action, target=str(alert.get("id") or target),
                   reason=reason, detail={**detail, "deliveries_planned": out.get("deliveries_planned"),
                                          "problems": out.get("problems")}, client=client_of(request))
    c.hub.publish("alerts")
    c.hub.publish("deliveries")
    return out


# ------------------------------------------------------------------------------------- reads
@router.get("/alerts", response_class=Response, responses={200: {"content": {"application/json": {}}}})
async def alerts(active: bool = False, _: Principal = Depends(viewer), c: ConsoleContext = Depends(ctx)) -> Response:
    """Every alert of the site, newest first (alerts are never deleted); ``active=true`` for the current ones."""
    body = await c.snapshots.get(f"alerts:{active}", ("alerts",), lambda: _call(lambda: c.alerting.alerts(active_only=active)))
    return Response(body, media_type="application/json")


@router.get("/alerts/{alert_id}")
def alert(alert_id: str, _: Principal = Depends(viewer), c: ConsoleContext = Depends(ctx)) -> dict[str, Any]:
    """One alert with its thread (the updates and cancel that followed it) and delivery summary."""
    a = _call(lambda: c.alerting.alert(alert_id))
    return {**a, "thread": _call(lambda: c.alerting.thread(alert_id)),
            "deliveries": _call(lambda: c.alerting.delivery_summary(alert_id))}


@router.get("/deliveries")
def deliveries(alert: str | None = None, household: str | None = None, _: Principal = Depends(viewer),
               c: ConsoleContext = Depends(ctx)) -> list[dict[str, Any]]:
    """Delivery records, one per recipient and channel: status, attempts, time, error."""
    return _call(lambda: c.alerting.deliveries(alert_id=alert, household=household))  # type: ignore[no-any-return]


@router.get("/evacuation/{alert_id}")
def evacuation(alert_id: str, _: Principal = Depends(viewer), c: ConsoleContext = Depends(ctx)) -> dict[str, Any]:
    """The evacuation board of an alert: counts (targeted, warned, acknowledged, safe, need help,
    evacuated) and the households that still need help, vulnerable first."""
    counts = _call(lambda: c.alerting.counts(alert_id))
    needs = counts.pop("still_need_help", None)
    return {"alert": alert_id, "counts": counts,
            "needs_help": needs if needs is not None else _call(lambda: c.alerting.needs_help(alert_id))}


# ----------------------------------------------------------------------------------- actions
@router.post("/alerts", status_code=201)
def issue(body: IssueIn, request: Request, p: Principal = Depends(operator), c: ConsoleContext = Depends(ctx)) -> dict[str, Any]:
    """Issue an alert (or a drill) to zones. Operator role; audited with the reason."""
    _check_site(c, body.zones, body.lake)
    action = "drill.issue" if body.drill else "alert.issue"
    return _audited(c, p, request, action, ",".join(body.zones), body.reason, body.model_dump(),  # type: ignore[no-any-return]
                    lambda: c.alerting.issue(level=body.level, hazard=body.hazard, zones=body.zones, lake=body.lake,
                                             operator=p.user.username, note=body.reason, drill=body.drill))


@router.post("/alerts/{alert_id}/update")
def update(alert_id: str, body: UpdateIn, request: Request, p: Principal = Depends(operator),
           c: ConsoleContext = Depends(ctx)) -> dict[str, Any]:
    """Change an alert's level or zones (a CAP Update referencing it). Operator role; audited."""
    _check_site(c, body.zones, None)
    return _audited(c, p, request, "alert.update", alert_id, body.reason, body.model_dump(),  # type: ignore[no-any-return]
                    lambda: c.alerting.update(alert_id, level=body.level, zones=body.zones, operator=p.user.username,
                                              note=body.reason))


@router.post("/alerts/{alert_id}/cancel")
def cancel(alert_id: str, body: CancelIn, request: Request, p: Principal = Depends(operator),
           c: ConsoleContext = Depends(ctx)) -> dict[str, Any]:
    """End an alert: cancel (false alarm) or all-clear (the danger is over). Operator role; audited."""
    if body.all_clear:
        return _audited(c, p, request, "alert.all_clear", alert_id, body.reason, body.model_dump(),  # type: ignore[no-any-return]
                        lambda: c.alerting.all_clear(alert_id, operator=p.user.username))
    return _audited(c, p, request, "alert.cancel", alert_id, body.reason, body.model_dump(),  # type: ignore[no-any-return]
                    lambda: c.alerting.cancel(alert_id, operator=p.user.username, note=body.reason))


@router.post("/acknowledgements", status_code=201)
def acknowledge(body: AckIn, request: Request, p: Principal = Depends(operator),
                c: ConsoleContext = Depends(ctx)) -> dict[str, Any]:
    """Record a household's answer taken by phone or in person (via=operator). Audited."""
    if body.household not in {h.id for h in c.site.households}:
        raise HTTPException(422, f"unknown household {body.household!r}")
    out = _call(lambda: c.alerting.record_ack(household=body.household, answer=body.answer, operator=p.user.username,
                                              alert_id=body.alert))
    c.audit.append(username=p.user.username, role=p.user.role, action="ack.record", target=body.household,
                   detail=body.model_dump(), client=client_of(request))
    c.hub.publish("deliveries")
    return out  # type: ignore[no-any-return]


@router.post("/checkins", status_code=201)
def check_in(body: CheckInIn, request: Request, p: Principal = Depends(operator),
             c: ConsoleContext = Depends(ctx)) -> dict[str, Any]:
    """Record a household's arrival at a shelter. Audited."""
    if body.shelter not in {s.id for s in c.site.shelters}:
        raise HTTPException(422, f"unknown shelter {body.shelter!r}")
    out = _call(lambda: c.alerting.check_in(household=body.household, shelter=body.shelter, people=body.people,
                                            alert_id=body.alert))
    c.audit.append(username=p.user.username, role=p.user.role, action="checkin.record", target=body.household,
                   detail=body.model_dump(), client=client_of(request))
    c.hub.publish("deliveries")
    return out  # type: ignore[no-any-return]


# ------------------------------------------------------------------------------------ public
def _base(c: ConsoleContext, request: Request) -> str:
    return (c.public_base_url or str(request.base_url)).rstrip("/") + "/cap"


@public.get("/cap/feed.atom", response_class=Response, responses={200: {"content": {"application/atom+xml": {}}}})
def cap_feed(request: Request, c: ConsoleContext = Depends(ctx)) -> Response:
    """The public Atom feed of current CAP alerts (no login: aggregators and the public read it)."""
    return Response(_call(lambda: c.alerting.atom_feed(_base(c, request))), media_type="application/atom+xml")


@public.get("/cap/{alert_id}.xml", response_class=Response, responses={200: {"content": {"application/cap+xml": {}}}})
def cap_doc(alert_id: str, c: ConsoleContext = Depends(ctx)) -> Response:
    """One CAP 1.2 document as issued (signed when signing is configured)."""
    return Response(_call(lambda: c.alerting.cap_xml(alert_id)), media_type="application/cap+xml")
