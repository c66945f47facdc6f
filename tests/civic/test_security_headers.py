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
