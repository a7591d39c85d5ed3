"""Shared fixtures: the demo site, stores on SQLite and on a real PostgreSQL, a private Mosquitto.

PostgreSQL and Mosquitto tests skip when the service is missing, except in CI
(GLOFWATCH_REQUIRE_SERVICES=1), where a missing service fails the run.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from glofwatch.site import Site, load_site
from glofwatch.store import Store, open_store
from glofwatch.testing.services import MosquittoBroker, mosquitto_binary, pg_available, pg_database, services_required

SHARED = Path(__file__).resolve().parents[2] / "shared"
DATA = Path(__file__).parent / "data"


def shared_data(*parts: str) -> Path:
    """A file of ../shared/data; tests that need it skip when the shared folder is absent."""
    p = SHARED.joinpath("data", *parts)
    if not p.exists():
        pytest.skip(f"shared data {p} not present")
    return p


@pytest.fixture(scope="session")
def site() -> Site:
    return load_site(None)


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Store:
    return open_store(str(tmp_path / "t.sqlite"))


def _need(ok: bool, what: str) -> None:
    if not ok:
        if services_required():
            pytest.fail(f"{what} is required in CI (GLOFWATCH_REQUIRE_SERVICES=1) but not available")
        pytest.skip(f"{what} not available")


@pytest.fixture
def pg_url() -> Iterator[str]:
    _need(pg_available(), "PostgreSQL")
    with pg_database() as url:
        yield url


@pytest.fixture
def pg_store(pg_url: str) -> Iterator[Store]:
    st = open_store(pg_url)
    yield st
    st.engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The same test on both databases."""
    if request.param == "sqlite":
        yield open_store(str(tmp_path / "t.sqlite"))
        return
    _need(pg_available(), "PostgreSQL")
    with pg_database() as url:
        st = open_store(url)
        yield st
        st.engine.dispose()


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[MosquittoBroker]:
    _need(mosquitto_binary() is not None, "mosquitto")
    with MosquittoBroker(workdir=tmp_path / "mqtt") as b:
        yield b
