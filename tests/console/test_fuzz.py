"""The API fuzzed against its own OpenAPI spec with schemathesis: whatever the input, no 500.

Logged in as admin (so every route is reached, not only the 401 path). A few hundred cases in all
(``MAX_EXAMPLES`` per operation); the live event stream is left out (it never ends by design).
The app is built at import because schemathesis parametrizes from the schema at collection time
(its ``from_fixture`` loader does not work with this pytest version).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from glofwatch.console.auth import User
from glofwatch.site import load_site
from glofwatch.store import open_store
from tests.console.conftest import make_app

MAX_EXAMPLES = 6
_DIR = tempfile.mkdtemp(prefix="glofwatch-fuzz-")
atexit.register(shutil.rmtree, _DIR, True)  # also when the test is deselected (-m "not slow")
APP = make_app(load_site(None), open_store(f"{_DIR}/fuzz.sqlite"))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP).exclude(path="/api/v1/live")


@pytest.fixture(scope="module")
def admin() -> Iterator[User]:
    acc = APP.state.console.accounts
    u = next(x for x in acc.users() if x["role"] == "admin")
    yield User(int(u["id"]), str(u["username"]), "admin")
    APP.state.console.store.engine.dispose()


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_no_server_errors(case: schemathesis.Case, admin: User) -> None:
    token = APP.state.console.accounts.open_session(admin)[0]  # a fresh session: a fuzzed logout may end the last one
    headers = {"Authorization": f"Bearer {token}", **(case.headers or {})}
    r = case.call(headers=headers)
    assert r.status_code < 500, f"{case.method} {case.path} -> {r.status_code}: {r.text[:500]}"
