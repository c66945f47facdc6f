"""Map page in Chromium: navigation start → first marker or cluster visible (issue 7).

Run by bench/run.py (``--only map``), or alone against a running server:

    .venv/bin/python bench/map_first_markers.py http://127.0.0.1:8000/karte/ --runs 7

Each run uses a fresh browser context (empty cache, as a first visit), blocks requests to other
hosts (map tiles come from outside servers and do not load here; the measurement must not wait
for them), opens the page and waits until the first ``.memory-pin`` or ``.memory-cluster`` is
visible. The time is ``performance.now()`` at that moment, i.e. milliseconds since the
navigation started, measured inside the page. DOMContentLoaded is reported beside it.
Runs under /tmp/civic-helpers/browser.lock when that file exists (shared machine).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import statistics
import sys
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
LOCK = Path("/tmp/civic-helpers/browser.lock")
MARKER = ".memory-pin, .memory-cluster"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextlib.contextmanager
def _browser_lock():
    if not LOCK.exists():
        yield
        return
    with LOCK.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def measure(url: str, runs: int = 7) -> dict:
    from playwright.sync_api import sync_playwright

    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    first_marker, dom_ready, markers = [], [], []
    with _browser_lock(), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for _ in range(runs + 1):  # the first run warms the server, not counted
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                context.route(
                    "**/*",
                    lambda route: (
                        route.continue_() if route.request.url.startswith(origin) else route.abort()
                    ),
                )
                page = context.new_page()
                page.goto(url, wait_until="commit")
                page.wait_for_selector(MARKER, state="visible", timeout=60_000)
                at = page.evaluate("performance.now()")
                dcl = page.evaluate(
                    "(() => { const n = performance.getEntriesByType('navigation')[0];"
                    " return n ? n.domContentLoadedEventEnd : null; })()"
                )
                count = page.locator(MARKER).count()
                first_marker.append(at)
                dom_ready.append(dcl or 0)
                markers.append(count)
                page.goto("about:blank")
                context.close()
        finally:
            browser.close()
    first_marker, dom_ready, markers = first_marker[1:], dom_ready[1:], markers[1:]
    ordered = sorted(first_marker)
    return {
        "url": url,
        "runs": runs,
        "first_marker_p50_ms": round(statistics.median(first_marker), 0),
        "first_marker_max_ms": round(ordered[-1], 0),
        "dom_content_loaded_p50_ms": round(statistics.median(dom_ready), 0),
        "markers_shown": markers[-1],
    }


def print_result(r: dict) -> None:
    print(
        f"\nMap in Chromium ({r['runs']} cold visits): first marker/cluster visible after "
        f"{r['first_marker_p50_ms']:.0f} ms (p50; slowest {r['first_marker_max_ms']:.0f} ms), "
        f"DOMContentLoaded {r['dom_content_loaded_p50_ms']:.0f} ms; "
        f"{r['markers_shown']} markers/clusters on the first view"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print_result(measure(args.url, args.runs))
    sys.exit(0)
