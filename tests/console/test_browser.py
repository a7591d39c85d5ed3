"""The console in a real browser (Debian chromium via Playwright): log in, see the map, run a drill,
watch deliveries appear and be sent through loopback channel emulators, switch language, cancel."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from glofwatch.clock import SystemClock
from glofwatch.console.demo import seed_quiet_day
from glofwatch.site import Site
from glofwatch.store import Store
from glofwatch.testing.services import services_required
from tests.console.conftest import PASSWORD, LiveServer, make_app, start_server, stop_server

CHROMIUM = os.environ.get("GLOFWATCH_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM):
        if services_required():
            pytest.fail(f"chromium is required in CI but {CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def server(site: Site, sqlite_store: Store, tmp_path: Path) -> Iterator[LiveServer]:
    from glofwatch.dissemination.emulators.http_api import LoopbackApi
    from glofwatch.dissemination.emulators.smtp import SmtpRecorder

    seed_quiet_day(site, sqlite_store, datetime.now(UTC), silent=("gauge-cak",))
    with LoopbackApi() as api, SmtpRecorder() as smtp:
        channels = [api.telegram_url, api.sms_url, api.webhook_url, smtp.url, f"capdir://{tmp_path}/cap"]
        s = start_server(make_app(site, sqlite_store, SystemClock(), channels=channels, dispatch_every_s=0.3))
        s.api, s.smtp = api, smtp  # type: ignore[attr-defined]
        yield s
        stop_server(s)


@pytest.mark.slow
def test_login_map_drill_deliveries_cancel(browser: Any, server: LiveServer, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 850})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(server.url + "/")
    page.select_option("#lang", "en")
    page.fill("input[name=username]", "ivanov")
    page.fill("input[name=password]", "not the password")
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#login-error:has-text('Wrong')")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("body[data-ready='1']")

    # the map: zones, lakes, flow paths and the 7 stations, coloured by health
    assert page.locator("#map path.leaflet-interactive").count() >= 4 + 3 + 3 + 7
    assert page.get_attribute("body", "data-stations-drawn") == "7"
    assert page.locator("#stations-table .state-silent").count() == 1  # gauge-cak stopped 3 h ago
    page.wait_for_selector("#chart canvas")

    # a drill, with confirmation
    page.click("#tabs button[data-tab=alerts]")
    page.check("#zone-boxes input[value=cha-town]")
    page.select_option("#issue-form select[name=level]", "evacuate")
    page.fill("#issue-form input[name=reason]", "monthly evacuation drill")
    page.click("#issue-form button[type=submit]")
    page.click("#confirm button[value=no]")  # backing out issues nothing
    assert page.locator("#timeline li[data-alert]").count() == 0
    page.click("#issue-form button[type=submit]")
    page.click("#confirm-yes")
    page.wait_for_selector("#timeline li[data-alert] .tag.drill")
    page.wait_for_selector("#level-banner:has-text('EVACUATE')")

    # deliveries appear, then are sent by the dispatcher (loopback emulators) and the page follows live
    page.wait_for_selector("#deliveries-list tr.delivery")
    page.wait_for_selector("#deliveries-list tr.delivery[data-status=sent]", timeout=30_000)
    assert server.api.of("telegram") or server.api.of("sms")  # type: ignore[attr-defined]

    page.click("#tabs button[data-tab=evacuation]")
    page.wait_for_selector("#evac-counts div b")
    # the board: vulnerable households first; the operator records a phone answer and a shelter arrival
    page.wait_for_selector("#needs-help tr.need")
    rows = page.locator("#needs-help tr.need")
    n0 = rows.count()
    first, second = rows.nth(0).get_attribute("data-household"), rows.nth(1).get_attribute("data-household")
    rows.nth(0).locator("button.mark-safe").click()
    page.click("#confirm-yes")
    page.wait_for_selector(f"#needs-help tr.need[data-household='{first}']", state="detached")
    page.locator(f"#needs-help tr.need[data-household='{second}'] button.mark-shelter").click()
    page.click("#confirm-yes")
    page.wait_for_selector(f"#needs-help tr.need[data-household='{second}']", state="detached")
    assert page.locator("#needs-help tr.need").count() == n0 - 2
    page.select_option("#lang", "ky")
    assert page.locator("#tabs button[data-tab=alerts]").inner_text() == "Эскертүүлөр"
    page.select_option("#lang", "en")
    page.screenshot(path=str(tmp_path / "console.png"))

    # a second drill at watch level, escalated to warning from the timeline
    page.click("#tabs button[data-tab=alerts]")
    page.uncheck("#zone-boxes input[value=cha-town]")
    page.check("#zone-boxes input[value=cak-grig]")
    page.select_option("#issue-form select[name=level]", "watch")
    page.fill("#issue-form input[name=reason]", "rain on snow")
    page.click("#issue-form button[type=submit]")
    page.click("#confirm-yes")
    page.wait_for_selector("#timeline li.lvl-watch button.escalate")
    page.click("#timeline li.lvl-watch button.escalate")
    page.click("#confirm-yes")  # no reason: the dialog stays open and says why (nothing is sent)
    assert page.locator("#confirm").evaluate("d => d.open")
    assert page.locator("#confirm-reason").evaluate("e => e.validationMessage") == "Give a reason (at least 3 characters)."
    page.fill("#confirm-reason", "gauge rising")
    page.click("#confirm-yes")
    page.wait_for_selector("#timeline li.lvl-warning .tag:has-text('active')")
    page.click("#timeline li.lvl-warning button.end-all_clear")
    page.fill("#confirm-reason", "rain stopped")
    page.click("#confirm-yes")
    page.wait_for_selector("#timeline li.lvl-warning button.escalate", state="detached")

    # cancel the first drill with a reason
    page.click("#timeline li.lvl-evacuate button.end-cancel")
    page.fill("#confirm-reason", "drill finished")
    page.click("#confirm-yes")
    page.wait_for_selector("#timeline li.lvl-cancel")
    page.wait_for_selector("#level-banner", state="hidden")
    page.click("#audit-box summary")
    page.wait_for_selector("#audit tbody tr:has-text('drill finished')")

    audit = server.app.state.console.audit.entries()
    assert [(e.action, e.reason) for e in audit[:4]] == [
        ("alert.cancel", "drill finished"), ("alert.all_clear", "rain stopped"), ("alert.update", "gauge rising"),
        ("drill.issue", "rain on snow")]
    assert [e.action for e in audit[4:7]] == ["checkin.record", "ack.record", "drill.issue"]
    assert audit[6].reason == "monthly evacuation drill"
    assert not errors, errors
    assert all(u.startswith(server.url) or u.startswith("data:") for u in requests), "the console must not reach the internet"
    page.close()


@pytest.mark.slow
def test_maintenance_window_from_the_stations_tab(browser: Any, server: LiveServer) -> None:
    """An operator opens a maintenance window for a station from the page, sees its badge (who and why on hover),
    and ends it; both are in the audit log."""
    from glofwatch.telemetry import maintenance as mt

    page = browser.new_page(viewport={"width": 1400, "height": 850})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.url + "/")
    page.select_option("#lang", "en")
    page.fill("input[name=username]", "ivanov")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator("#stations-table .maint").count() == 0

    page.click("#stations-table tr[data-station='gauge-cha'] td:first-child")  # choosing a station fills in the form
    assert page.input_value("#maint-form select[name=station]") == "gauge-cha"
    page.fill("#maint-form input[name=hours]", "3")
    page.fill("#maint-form input[name=reason]", "cleaning the radar")
    page.click("#maint-form button[type=submit]")
    page.click("#confirm-yes")
    badge = page.wait_for_selector("#stations-table tr[data-station='gauge-cha'] .maint .tag")
    c = server.app.state.console
    (w,) = mt.windows(c.store.engine, c.site.id)
    assert (w.station, w.sensor, w.by, w.reason, w.end_ms - w.start_ms) == ("gauge-cha", None, "ivanov", "cleaning the radar",
                                                                           3 * mt.HOUR_MS)
    assert badge.inner_text().startswith("maintenance until ") and w.as_dict()["end"][11:16] in badge.inner_text()
    assert badge.get_attribute("title") == "ivanov: cleaning the radar"
    assert page.locator("#stations-table .maint").count() == 1  # that station only
    e = c.audit.entries(limit=1)[0]
    assert (e.action, e.username, e.target, e.reason) == ("maintenance.open", "ivanov", "gauge-cha", "cleaning the radar")
    page.select_option("#lang", "ru")
    page.wait_for_selector("#stations-table tr[data-station='gauge-cha'] .maint .tag:has-text('обслуживание до')")
    page.select_option("#lang", "en")

    page.click("#stations-table tr[data-station='gauge-cha'] button.maint-end")
    page.fill("#confirm-reason", "radar clean, reads as before")
    page.click("#confirm-yes")
    page.wait_for_selector("#stations-table .maint", state="detached")
    e = c.audit.entries(limit=1)[0]
    assert (e.action, e.target, e.reason) == ("maintenance.end", "gauge-cha", "radar clean, reads as before")
    assert mt.windows(c.store.engine, c.site.id)[0].ended_early
    assert not errors, errors
    page.close()
