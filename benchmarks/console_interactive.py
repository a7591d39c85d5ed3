"""Console interactive time in a real browser (Debian chromium via Playwright) on loopback.

    python benchmarks/console_interactive.py [--runs 10] [--weak]

Target (issue 5): interactive within 1.5 s on loopback. "Interactive" = the page's own mark
``glofwatch:interactive``: map drawn (zones, flow paths, lakes, sirens, shelters, stations
coloured by health), station table and alert timeline filled, live updates connected. Times are
from navigation start (performance.now() at the mark), each run in a fresh browser context (empty
HTTP cache), against `glofwatch serve --demo` in its own process:

- ``reopen``: an operator with a live session opens the console (the usual case: a shift's tab);
- ``login``: the login page loads, the operator submits, until interactive (typing not counted).

``--weak`` adds a run under emulated weak connection (Chrome DevTools network conditions:
150 ms latency, 1 Mbit/s down, 256 kbit/s up): a regional office on a poor line.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics

from console_server import PASSWORD, USER, console_server, login_token

CHROMIUM = os.environ.get("GLOFWATCH_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
MARK = "performance.getEntriesByName('glofwatch:interactive')[0].startTime"


def one(browser: object, url: str, mode: str, weak: bool) -> float:
    ctx = browser.new_context(viewport={"width": 1400, "height": 850})  # type: ignore[attr-defined]
    page = ctx.new_page()
    if weak:
        cdp = ctx.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 150,
                                                     "downloadThroughput": 1_000_000 / 8, "uploadThroughput": 256_000 / 8})
    if mode == "reopen":
        ctx.add_cookies([{"name": "glofwatch_session", "value": login_token(url), "url": url}])
        page.goto(url + "/")
        page.wait_for_selector("body[data-ready='1']", timeout=60_000)
        t = float(page.evaluate(MARK))
    else:
        page.goto(url + "/")
        page.wait_for_selector("#login-form input[name=username]")
        page.fill("input[name=username]", USER)
        page.fill("input[name=password]", PASSWORD)
        t_submit = float(page.evaluate("performance.now()"))
        page.click("#login-form button[type=submit]")
        page.wait_for_selector("body[data-ready='1']", timeout=60_000)
        loaded = float(page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"))
        t = loaded + float(page.evaluate(MARK)) - t_submit  # page load + submit -> interactive, without typing
    ctx.close()
    return t / 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--weak", action="store_true", help="also measure under an emulated weak connection")
    a = ap.parse_args()
    from playwright.sync_api import sync_playwright

    with console_server() as srv, sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        one(b, srv.url, "reopen", False)  # warm the server (first snapshot builds), not counted
        cases = [("reopen", False), ("login", False)] + ([("reopen", True)] if a.weak else [])
        print(f"{platform.node()}, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores, {a.runs} runs each")
        for mode, weak in cases:
            ts = [one(b, srv.url, mode, weak) for _ in range(a.runs if not weak else max(3, a.runs // 3))]
            print(f"{mode:<7}{' weak line' if weak else ' loopback '}  median {statistics.median(ts):.2f} s  "
                  f"max {max(ts):.2f} s  min {min(ts):.2f} s")
        b.close()


if __name__ == "__main__":
    main()
