"""HTTP ingest: a station POSTs SenML or long-form CSV with its own token.

``POST /api/v1/ingest`` with ``Authorization: Bearer <station token>`` (``glofwatch token create
STATION``) and a body of ``application/senml+json`` (or ``application/json``) or ``text/csv``.
A token is bound to one station: readings for another station are rejected row by row.

Answers (a station's firmware decides on them whether to resend):

- 200 with the ingest report (``status`` ``ok`` or ``partial``): stored; do not resend. Rows that
  were refused will never be accepted as they are; the report says where and why.
- 422: nothing usable in the body (all rows refused), with the reasons. Do not resend unchanged.
- 401: no or wrong token. 415: another content type. 413: body over the size limit.
- 503: the database is unavailable: resend later.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError

from glofwatch.telemetry.pipeline import Ingestor

MAX_BODY = 16 << 20
SENML_TYPES = ("application/senml+json", "application/json")
CSV_TYPES = ("text/csv", "application/csv", "text/plain")


def router(get_ingestor: Callable[[], Ingestor]) -> APIRouter:
    """The ingest route, bound to an :class:`Ingestor` provider (one site, one store)."""
    r = APIRouter(tags=["ingest"])

    @r.post(
        "/api/v1/ingest",
        summary="Readings from a station (SenML or long-form CSV), authenticated by the station's token",
        responses={401: {"description": "missing or wrong station token"}, 415: {"description": "unsupported type"},
                   422: {"description": "nothing usable in the body"}, 503: {"description": "database unavailable"}},
    )
    async def ingest(request: Request, authorization: str | None = Header(default=None),
                     content_type: str | None = Header(default=None)) -> JSONResponse:
        ing = get_ingestor()
        token = (authorization or "").removeprefix("Bearer ").strip()
        if not token:
            raise HTTPException(401, "send the station token: Authorization: Bearer <token> (glofwatch token create STATION)",
                                headers={"WWW-Authenticate": "Bearer"})
        try:
            station = ing.store.station_for_token(ing.site.id, token)
        except OperationalError as e:
            raise HTTPException(503, f"database unavailable, resend later: {e.orig}") from e
        if station is None:
            raise HTTPException(401, "unknown or revoked station token", headers={"WWW-Authenticate": "Bearer"})
        body = await request.body()
        if len(body) > MAX_BODY:
            raise HTTPException(413, f"body of {len(body)} bytes is over the {MAX_BODY} byte limit; send smaller batches")
        ctype = (content_type or "").split(";")[0].strip().lower()
        where = f"HTTP from {station}"
        try:
            if ctype in SENML_TYPES:
                report = ing.ingest_senml(body, station=station, where=where, allowed_station=station)
            elif ctype in CSV_TYPES:
                report = ing.ingest_csv_bytes(body, where=where, station=station)
            else:
                raise HTTPException(415, f"content type '{ctype}' not accepted: use application/senml+json or text/csv")
        except OperationalError as e:
            raise HTTPException(503, f"database unavailable, resend later: {e.orig}") from e
        d = report.as_dict()
        d["station"] = station
        return JSONResponse(d, status_code=422 if report.status == "failed" else 200)

    return r


def ingest_app(ingestor: Ingestor) -> FastAPI:
    """A FastAPI app serving only the ingest route (the console mounts the same router)."""
    app = FastAPI(title="glofwatch ingest")
    app.include_router(router(lambda: ingestor))
    return app
