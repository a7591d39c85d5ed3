"""Lake area history in the database (table ``lake_areas``, migration ``lakes01``): the I/O edge of
:mod:`glofwatch.lakes.growth`. Works on SQLite and PostgreSQL through SQLAlchemy Core."""

from __future__ import annotations

from typing import Any

import pandas as pd
from shapely import wkt
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Engine, and_, delete, insert, select

from glofwatch.store import tables as T


def save_lake_maps(engine: Engine, site_id: str, scene: str, t_ms: int, maps: list[Any], *, now_ms: int,
                   outlines_lonlat: dict[str, BaseGeometry] | None = None) -> int:
    """Store the lake maps of one scene (``LakeMap``); re-running a scene replaces its rows. Returns rows written.
    Lakes ``outside`` the scene are not history and are skipped."""
    rows = []
    for m in maps:
        if m.status == "outside":
            continue
        g = (outlines_lonlat or {}).get(m.lake)
        rows.append({"site": site_id, "lake": m.lake, "t_ms": int(t_ms), "scene": scene[:256], "status": m.status,
                     "area_m2": float(m.area_m2), "area_err_m2": float(m.area_err_m2),
                     "obscured_fraction": float(m.obscured_fraction), "threshold": m.threshold,
                     "outline_wkt": g.wkt if g is not None and not g.is_empty else None, "created_ms": int(now_ms)})
    with engine.begin() as c:
        c.execute(delete(T.lake_areas).where(and_(T.lake_areas.c.site == site_id, T.lake_areas.c.scene == scene[:256],
                                                   T.lake_areas.c.t_ms == int(t_ms))))
        if rows:
            c.execute(insert(T.lake_areas), rows)
    return len(rows)


def area_series(engine: Engine, site_id: str, lake: str | None = None, *, include_obscured: bool = False) -> pd.DataFrame:
    """Columns lake, t_ms, scene, status, area_m2, area_err_m2, obscured_fraction; ``mapped`` rows only unless asked."""
    la = T.lake_areas
    q = select(la.c.lake, la.c.t_ms, la.c.scene, la.c.status, la.c.area_m2, la.c.area_err_m2, la.c.obscured_fraction
               ).where(la.c.site == site_id).order_by(la.c.lake, la.c.t_ms)
    if lake is not None:
        q = q.where(la.c.lake == lake)
    if not include_obscured:
        q = q.where(la.c.status == "mapped")
    with engine.connect() as c:
        return pd.DataFrame(c.execute(q).fetchall(), columns=["lake", "t_ms", "scene", "status", "area_m2", "area_err_m2",
                                                              "obscured_fraction"])


def last_outline(engine: Engine, site_id: str, lake: str) -> BaseGeometry | None:
    """The newest mapped outline of a lake (lon/lat), the prior for the next scene's window."""
    la = T.lake_areas
    q = (select(la.c.outline_wkt).where(and_(la.c.site == site_id, la.c.lake == lake, la.c.status == "mapped",
                                              la.c.outline_wkt.is_not(None))).order_by(la.c.t_ms.desc()).limit(1))
    with engine.connect() as c:
        r = c.execute(q).scalar()
    return wkt.loads(r) if r else None
