"""Content Security Policy: strict on the public site, widened only where the admin needs it."""

import pytest


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parts = [p.strip().split() for p in header.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/suche/?q=x", "/konto/login/", "/stadtteile/"])
def test_public_pages_allow_no_inline_script(client, home_page, url):
    policy = directives(client.get(url))
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["object-src"] == ["'none'"]


@pytest.mark.django_db
def test_public_templates_contain_no_inline_script(client, home_page):
    import re

    html = client.get("/stadtteile/").content.decode() + client.get("/").content.decode()
    scripts = re.findall(r"<script(?P<attrs>[^>]*)>", html)
    for attrs in scripts:
        assert "src=" in attrs or 'type="application/json"' in attrs, attrs
    assert " onclick=" not in html and " style=" not in html


@pytest.mark.django_db
def test_admin_policy_is_widened_only_for_scripts_and_styles(admin_client):
    policy = directives(admin_client.get("/admin/"))
    assert "'unsafe-inline'" in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]


# --------------------------------------------------------------------------------------------
# More public pages: the forms people fill in, and the 429 page


INLINE_SCRIPT = r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>"


def assert_no_inline_code(response):
    import re

    html = response.content.decode()
    assert not re.search(INLINE_SCRIPT, html), re.search(INLINE_SCRIPT, html)
    assert " style=" not in html and " onclick=" not in html and "javascript:" not in html
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/erzaehlen/", "/konto/signup/", "/konto/password/reset/", "/en/konto/login/"]
)
def test_form_pages_have_no_inline_code(client, home_page, url):
    response = client.get(url)
    assert response.status_code == 200
    assert_no_inline_code(response)


@pytest.mark.django_db
def test_rate_limit_page_has_no_inline_code_and_is_not_cached(client, home_page):
    from civic import ratelimit
    from tests.civic.ratelimit_helpers import use_up

    use_up("page_password", ratelimit.rates("page_password")["address"].amount)
    response = client.post("/_util/authenticate_with_password/1/1/", {"password": "x"})
    assert response.status_code == 429
    assert response["Cache-Control"] == "no-store"
    assert int(response["Retry-After"]) > 0
    assert_no_inline_code(response)


# --------------------------------------------------------------------------------------------
# Uploaded media served by Django (development, SERVE_MEDIA on one machine)


@pytest.mark.parametrize(
    ("name", "body", "inline"),
    [
        ("foto.jpg", b"\xff\xd8\xff\xe0fake-jpeg", True),
        ("bild.png", b"\x89PNG\r\n\x1a\nfake", True),
        (
            "zeichnung.svg",
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>1</script></svg>",
            False,
        ),
        ("ton.mp3", b"ID3fake", False),
        ("seite.html", b"<script>alert(1)</script>", False),
        ("ohne-endung", b"<html><script>alert(1)</script>", False),
    ],
)
def test_media_is_served_with_safe_headers(tmp_path, rf, name, body, inline):
    from civic.urls import serve_media

    (tmp_path / name).write_bytes(body)
    response = serve_media(rf.get(f"/media/{name}"), name, document_root=str(tmp_path))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    disposition = response.get("Content-Disposition", "")
    if inline:
        assert not disposition.startswith("attachment")
    else:
        assert disposition.startswith("attachment")


# --------------------------------------------------------------------------------------------
# Production settings: `check --deploy` clean, secure cookies, HSTS


def test_production_settings_pass_check_deploy(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "SECRET_KEY": "x" * 64 + "-not-a-real-key-but-long-and-random-enough-9f8e7d6c5b4a",
        "ALLOWED_HOSTS": "beteiligung.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "civic.settings.production",
    }
    env.pop("SECURE_COOKIES", None)
    env.pop("SECURE_HSTS_SECONDS", None)
    env.pop("SECURE_SSL_REDIRECT", None)
    # The browser tests set this for Playwright in the same process; production never has it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    check = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
            "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000, "
            "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_CONTENT_TYPE_NOSNIFF, "
            "s.CIVIC_RATELIMIT_MULTIPLIER)",
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert probe.stdout.split() == ["True"] * 7 + ["1"], probe.stdout + probe.stderr
