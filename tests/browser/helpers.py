"""Helpers for the browser tests: where the tools are, axe-core checks, console checks."""

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO_DIR = Path(__file__).resolve().parents[2]
AXE_PATH = REPO_DIR / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS_DIR = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_URL_PATH = "/__browser-tests__/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def browser_required() -> bool:
    return os.environ.get("CIVIC_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes"}


def chromium_path() -> Path:
    return Path(os.environ.get("CIVIC_CHROMIUM") or "/usr/bin/chromium")


def missing_tool(message: str):
    """Fail when the browser tests are mandatory (CI), skip otherwise."""
    if browser_required():
        pytest.fail(f"{message} (CIVIC_REQUIRE_BROWSER=1: browser tests are mandatory)")
    pytest.skip(message)


# --------------------------------------------------------------------------------------------
# Console


@dataclass
class ConsoleLog:
    errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)


def csp_violations(page) -> list[str]:
    """Violations reported by the page itself (securitypolicyviolation events)."""
    try:
        return page.evaluate("() => window.__cspViolations || []")
    except Exception:  # the page may be mid-navigation; the console listener still has them
        return []


def assert_clean_console(page, console_log: ConsoleLog):
    """No CSP violation and no console error on the page so far."""
    violations = console_log.csp_violations + csp_violations(page)
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)
    assert not console_log.errors, "Console errors:\n" + "\n".join(console_log.errors)


# --------------------------------------------------------------------------------------------
# Accessibility


def assert_no_axe_violations(page, tags=AXE_TAGS, exclude=None):
    """Run axe-core on the current page (WCAG 2.0/2.1 A and AA) and fail on any violation."""
    if not AXE_PATH.is_file():
        missing_tool(f"axe-core not found at {AXE_PATH}: run `npm ci` in {REPO_DIR}")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # The site's CSP (script-src 'self') blocks an inline <script>, which is what
        # add_script_tag(path=...) would insert; load the file from the site's own origin instead
        # (served by the route the page fixture installs).
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
        page.add_script_tag(url=origin + AXE_URL_PATH)
    context = {"exclude": exclude} if exclude else None
    results = page.evaluate(
        """async ([context, tags]) => {
            const options = {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]};
            return await window.axe.run(context || document, options);
        }""",
        [context, list(tags)],
    )
    violations = results["violations"]
    if violations:
        lines = [f"{len(violations)} axe violation(s) on {page.url}:"]
        for violation in violations:
            lines.append(
                f"- {violation['id']} ({violation['impact']}): {violation['help']}"
                f" <{violation['helpUrl']}>"
            )
            for node in violation["nodes"]:
                lines.append(f"    {json.dumps(node['target'])}: {node['html'][:200]}")
                if node.get("failureSummary"):
                    summary = node["failureSummary"].replace("\n", " | ")
                    lines.append(f"      {summary[:300]}")
        pytest.fail("\n".join(lines))


def log_in(page, civic_site, user):
    """Log ``user`` in for the browser: a session made by Django's test client, as a cookie."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": civic_site.base_url,
            }
        ]
    )
