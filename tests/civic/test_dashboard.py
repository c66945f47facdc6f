"""The dashboard frame ("Auswertung"): access, menu item, panel hook and the figure cache."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from laces.components import Component
from wagtail import hooks

from civic import dashboard
from tests.civic.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def url():
    return reverse("civic_dashboard:index")


def test_url_is_under_admin(url):
    assert url == "/admin/auswertung/"


def test_anonymous_visitor_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_resident_gets_403(client, resident, url):
    client.force_login(resident)
    assert client.get(url).status_code == 403


def test_admin_user_without_dashboard_permission_is_refused_and_has_no_menu_item(client, rf, url):
    """Someone who may use the admin but is neither steering group nor editor.

    The view raises PermissionDenied; Wagtail's admin turns that into a redirect to the admin's
    start page with an error message (its standard for admin users)."""
    user = UserFactory(display_name="Nur Admin")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    assert not user.has_perm("civic.view_dashboard")

    request = rf.get(url)
    request.user = user
    with pytest.raises(PermissionDenied):
        dashboard.DashboardView.as_view()(request)

    client.force_login(user)
    response = client.get(url, follow=True)
    assert response.redirect_chain == [(reverse("wagtailadmin_home"), 302)]
    html = response.content.decode()
    assert "civic-dashboard" not in html
    assert url not in html  # no menu item
    messages = [str(m) for m in response.context["messages"]]
    assert messages and "keinen Zugang" in messages[0]


@pytest.mark.parametrize("who", ["steering", "editor", "superuser"])
def test_steering_editors_and_superusers_see_the_dashboard(client, url, who, request):
    user = request.getfixturevalue(who)
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "Auswertung" in html
    # the menu links to it
    assert f'"url": "{url}"' in html or f'"{url}"' in html
    # the page loads what charts and maps need
    assert "css/civic-charts.css" in html
    assert "leaflet/leaflet.js" in html
    assert "js/civic-choropleth.js" in html


class _Panel(Component):
    def __init__(self, text, order=None, heading="", anchor=""):
        self.text = text
        if order is not None:
            self.order = order
        self.heading = heading
        self.anchor = anchor

    def render_html(self, parent_context=None):
        return f"<p>{self.text}</p>"


def test_registered_panels_are_shown_in_order_with_contents(client, steering, url):
    def first(request):
        return [_Panel("PANEL-LATE", order=300, heading="Spät", anchor="spaet")]

    def second(request):
        assert request.user == steering
        return [
            _Panel("PANEL-EARLY", order=10, heading="Früh", anchor="frueh"),
            _Panel("PANEL-MID"),
        ]

    def nothing(request):
        return None

    client.force_login(steering)
    with (
        hooks.register_temporarily("civic_dashboard_panels", first),
        hooks.register_temporarily("civic_dashboard_panels", second),
        hooks.register_temporarily("civic_dashboard_panels", nothing),
    ):
        html = client.get(url).content.decode()
    positions = [html.index(t) for t in ("PANEL-EARLY", "PANEL-MID", "PANEL-LATE")]
    assert positions == sorted(positions)
    assert '<a href="#frueh">Früh</a>' in html
    assert '<a href="#spaet">Spät</a>' in html


def test_dashboard_panel_base_renders_section_with_heading(rf, steering):
    class Panel(dashboard.DashboardPanel):
        heading = "Überschrift <b>"
        anchor = "abschnitt"

    request = rf.get("/")
    request.user = steering
    html = Panel(request).render_html()
    assert '<section class="civic-dashboard__panel" id="abschnitt"' in html
    assert (
        '<h2 class="civic-dashboard__heading" id="abschnitt-heading">Überschrift &lt;b&gt;</h2>'
        in html
    )


def test_cached_computes_once_until_invalidated():
    calls = []

    def compute():
        calls.append(1)
        return {"n": len(calls)}

    assert dashboard.cached(("agenda", "round", 5), compute) == {"n": 1}
    assert dashboard.cached(("agenda", "round", 5), compute) == {"n": 1}
    assert len(calls) == 1
    # another key under the same prefix, and the same key under another prefix, are separate
    assert dashboard.cached(("agenda", "round", 6), compute) == {"n": 2}
    assert dashboard.cached(("stadtgedaechtnis", "round", 5), compute) == {"n": 3}

    dashboard.invalidate("agenda")
    assert dashboard.cached(("agenda", "round", 5), compute) == {"n": 4}
    assert dashboard.cached(("agenda", "round", 6), compute) == {"n": 5}
    # the other prefix kept its value
    assert dashboard.cached(("stadtgedaechtnis", "round", 5), compute) == {"n": 3}
    assert len(calls) == 5


def test_cached_keys_depend_on_language():
    from django.utils import translation

    with translation.override("de"):
        assert dashboard.cached(("x", 1), lambda: "de") == "de"
    with translation.override("en"):
        assert dashboard.cached(("x", 1), lambda: "en") == "en"
    with translation.override("de"):
        assert dashboard.cached(("x", 1), lambda: "anders") == "de"


def test_cached_respects_timeout(monkeypatch):
    seen = {}

    def fake_set(key, value, timeout):
        seen["timeout"] = timeout

    monkeypatch.setattr(dashboard.cache, "set", fake_set)
    dashboard.cached(("t",), lambda: 1, timeout=42)
    assert seen["timeout"] == 42


def test_invalidate_without_previous_version_still_changes_keys():
    key_before = dashboard.cache_key(("neu", 1))
    dashboard.cache.clear()
    dashboard.invalidate("neu")
    assert dashboard.cache_key(("neu", 1)) != key_before
