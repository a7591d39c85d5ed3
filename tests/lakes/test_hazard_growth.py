from __future__ import annotations

import json
from datetime import UTC, datetime

import numpy as np
import pytest

from glofwatch.clock import ms
from glofwatch.lakes.growth import YEAR_MS, growth, watch_decision
from glofwatch.lakes.hazard import FORMULA_BY_NAME, FORMULAS, SHIPPED_QP, dam_class, estimate
from glofwatch.lakes.history import area_series, last_outline, save_lake_maps
from glofwatch.lakes.water import LakeMap
from glofwatch.store import Store
from tests.conftest import shared_data


def test_formulas_take_si_units_whatever_their_authors_used() -> None:
    # Clague & Mathews: Qp = 75 (V/10^6)^0.67 -> 75 m3/s for one million m3 (not 75 * 1e6^0.67)
    assert FORMULA_BY_NAME["clague_mathews1973"](1e6) == pytest.approx(75.0)
    assert FORMULA_BY_NAME["walder_costa1996_tunnel"](1e6) == pytest.approx(46.0)
    assert FORMULA_BY_NAME["huggel2002_upper"](1e6) == pytest.approx(2000.0)
    assert FORMULA_BY_NAME["huggel2002_volume"](1e5) == pytest.approx(0.104 * 1e5 ** 1.42)
    for f in FORMULAS:
        assert f.cite and f.unit and f.dam


def test_dam_classes_from_catalogue_labels() -> None:
    assert [dam_class(x) for x in ("ice", "ice – volc", "Moraine dammed", "moraine/bedrock", "ice/moraine", None, 3.0)] == [
        "ice", "ice", "moraine", "moraine", "other", "other", "other"]


def test_estimate_has_a_range_and_the_literature_spread() -> None:
    e = estimate(64_000, "moraine")
    lo, hi = e.peak_discharge_range_m3s
    assert lo < e.peak_discharge_m3s < hi
    assert set(e.formulas_m3s) == {"huggel2002_moraine", "huggel2002_upper", "evans1986", "popov1991"}
    assert SHIPPED_QP["ice"].n > 100  # fitted, not placeholders


def _iceland_series() -> tuple[np.ndarray, np.ndarray]:
    fc = json.loads(shared_data("lakes", "breidamerkurjokull_iceland_glacial_lakes_1985_2025_utm27n.geojson").read_text())
    years = sorted({f["properties"]["year"] for f in fc["features"]})
    # the largest polygon each year is Jokulsarlon (9.1 km2 in 1985 -> 28.3 km2 in 2025)
    big = [max(f["properties"]["area_m2"] for f in fc["features"] if f["properties"]["year"] == y) for y in years]
    t = np.array([ms(datetime(y, 8, 1, tzinfo=UTC)) for y in years])
    return t, np.array(big, dtype=float)


def test_real_lake_growth_raises_a_watch_decision() -> None:
    t, a = _iceland_series()
    g = growth("jokulsarlon", t, a, window_years=None)
    assert g is not None and g.pct_per_year > 2 and g.rate_lo > 0
    d = watch_decision("iceland", g, now=datetime(2025, 9, 1, tzinfo=UTC), threshold_pct_per_year=2.0, zones=["z1"])
    assert d is not None and d.level == "watch" and d.hazard == "glof" and d.lake == "jokulsarlon"
    assert "%/year" in d.explanation[0]
    assert watch_decision("iceland", g, now=datetime(2025, 9, 1, tzinfo=UTC), threshold_pct_per_year=50.0) is None


def test_scatter_within_the_uncertainty_is_not_growth() -> None:
    rng = np.random.default_rng(1)
    t = np.arange(12) * YEAR_MS / 2
    a = 64_000 + rng.normal(0, 3_000, 12)
    g = growth("flat", t, a)
    assert g is not None
    assert watch_decision("s", g, now=datetime(2025, 1, 1, tzinfo=UTC), threshold_pct_per_year=5.0) is None
    assert growth("few", t[:2], a[:2]) is None


def test_history_round_trip_and_last_outline(store: Store) -> None:
    from shapely.geometry import Point

    e = store.engine
    for i, area in enumerate([60_000.0, 64_000.0, 70_000.0]):
        maps = [LakeMap("cha-1", "mapped", area_m2=area, area_err_m2=5_000.0, threshold=0.1),
                LakeMap("cha-2", "obscured", area_m2=1.0, obscured_fraction=0.8),
                LakeMap("cak-1", "outside")]
        n = save_lake_maps(e, "demo", f"scene{i}", ms(datetime(2020 + i, 8, 1, tzinfo=UTC)), maps, now_ms=0,
                           outlines_lonlat={"cha-1": Point(77.03, 42.87).buffer(0.001 * (i + 1))})
        assert n == 2
    # re-running a scene replaces its rows
    save_lake_maps(e, "demo", "scene2", ms(datetime(2022, 8, 1, tzinfo=UTC)),
                   [LakeMap("cha-1", "mapped", area_m2=71_000.0, area_err_m2=5_000.0)], now_ms=1)
    s = area_series(e, "demo", "cha-1")
    assert s.area_m2.tolist() == [60_000.0, 64_000.0, 71_000.0]
    assert len(area_series(e, "demo", include_obscured=True)) == 5
    assert last_outline(e, "demo", "cha-1").area == pytest.approx(Point(0, 0).buffer(0.002).area, rel=1e-6)


def test_console_overview(sqlite_store: Store, site) -> None:  # type: ignore[no-untyped-def]
    from glofwatch.lakes.api import lakes_overview

    for i, area in enumerate([50_000.0, 60_000.0, 72_000.0, 85_000.0]):
        save_lake_maps(sqlite_store.engine, site.id, f"s{i}", ms(datetime(2021 + i, 8, 1, tzinfo=UTC)),
                       [LakeMap("cha-1", "mapped", area_m2=area, area_err_m2=2_000.0)], now_ms=0)
    rows = {r["lake"]: r for r in lakes_overview(sqlite_store.engine, site, now=datetime(2025, 1, 1, tzinfo=UTC))}
    assert len(rows["cha-1"]["history"]) == 4 and rows["cha-1"]["decision"]["level"] == "watch"
    assert rows["cha-1"]["hazard"]["area_m2"] == 85_000.0
    assert rows["cha-2"]["history"] == [] and rows["cha-2"]["decision"] is None and rows["cha-2"]["hazard"]["dam"] == "ice"
    json.dumps(rows)
