"""The dashboard ("Auswertung") in the Wagtail admin, assembled from registered panels.

``/admin/auswertung/`` (URL name ``civic_dashboard:index``, admin menu item "Auswertung") is open to
whoever has ``civic.view_dashboard`` (steering group, editors, superusers); everyone else gets 403
(anonymous visitors are sent to the login by Wagtail). civic knows nothing of the domain apps:
they contribute panels through a hook.

The ``civic_dashboard_panels`` hook
-----------------------------------
``fn(request) -> list[laces Component]``. Each domain app registers one in its
``dashboard_registration.py`` and returns its panels (or ``[]``), checking its own permission::

    @hooks.register("civic_dashboard_panels")
    def memory_panels(request):
        if not request.user.has_perm("stadtgedaechtnis.view_dashboard"):
            return []
        return [MemoryDashboardPanel(request)]

Panels are shown in the order of their ``order`` attribute (default 100; lower first), then in
registration order. A panel may set ``heading`` and ``anchor``: the page then lists it in its
table of contents. :class:`DashboardPanel` is a convenient base: a ``<section>`` with an ``<h2>``,
rendering ``template_name`` with ``get_context_data()``. The page loads the chart stylesheet and
Leaflet with ``js/civic-choropleth.js``, so panels can use ``{% chart %}`` and
``{% choropleth_map %}`` from ``civic_charts`` (see ``civic/charts.py``) without more assets.

Caching
-------
Figures should be cheap (aggregated in SQL) and are cached for a short time::

    from civic.dashboard import cached, invalidate

    figures = cached(("stadtgedaechtnis", "memory-figures"), compute_figures, timeout=300)
    invalidate("stadtgedaechtnis")   # e.g. after a moderation decision; optional

``cached(key_parts, fn, timeout)`` returns ``fn()``'s value from Django's cache under a key made
of ``key_parts`` (strings or numbers, e.g. the round's id) and the active language (so labels
translated inside ``fn`` stay right). The first part is the *prefix*: ``invalidate(prefix)``
bumps the prefix's version, so every key under it is recomputed on its next use. Cache plain
data (numbers, lists, dicts, dataclasses such as the charts of ``civic.charts``), never querysets.
Without invalidation a figure is at most ``timeout`` seconds old; the page says so.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.template.loader import get_template
from django.urls import include, path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from laces.components import Component
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

HOOK_NAME = "civic_dashboard_panels"
PERMISSION = "civic.view_dashboard"
DEFAULT_TIMEOUT = 300

_MISSING = object()


# --------------------------------------------------------------------------------------------
# Caching


def _version_key(prefix: str) -> str:
    return f"civic-dashboard-version:{prefix}"


def _version(prefix: str) -> int:
    version = cache.get(_version_key(prefix))
    if version is None:
        version = 1
        cache.add(_version_key(prefix), version, timeout=None)
    return version


def cache_key(key_parts: Sequence[Any]) -> str:
    """The cache key for ``key_parts`` (with the prefix's version and the active language)."""
    if not key_parts:
        raise ValueError("key_parts must not be empty")
    prefix = str(key_parts[0])
    raw = "|".join(str(part) for part in key_parts)
    digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]
    return f"civic-dashboard:{prefix[:40]}:{_version(prefix)}:{get_language() or '-'}:{digest}"


def cached(key_parts: Sequence[Any], fn: Callable[[], Any], timeout: int = DEFAULT_TIMEOUT):
    """``fn()``, cached for ``timeout`` seconds under ``key_parts`` (first part: the prefix)."""
    key = cache_key(key_parts)
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = fn()
        cache.set(key, value, timeout)
    return value


def invalidate(prefix: str) -> None:
    """Make every value cached under ``prefix`` stale (it is recomputed on its next use)."""
    key = _version_key(str(prefix))
    try:
        cache.incr(key)
    except ValueError:  # not set yet (or evicted): any new version differs from the old keys'
        cache.set(key, 2, timeout=None)


# --------------------------------------------------------------------------------------------
# Panels


class DashboardPanel(Component):
    """A base for dashboard panels: ``<section>`` with ``heading`` (an ``<h2>``) and content.

    Subclasses set ``heading``, ``anchor`` (the section's id), ``order``, ``template_name`` (the
    content; it may extend ``civic/dashboard/panel.html`` and fill ``{% block panel_content %}``)
    and override :meth:`get_context_data`. ``self.request`` is the request."""

    heading = ""
    anchor = ""
    order = 100
    template_name = "civic/dashboard/panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None) -> dict:
        return {}

    def render_html(self, parent_context=None):
        context = {"panel": self, "request": self.request}
        context.update(self.get_context_data(parent_context))
        return get_template(self.template_name).render(context, request=self.request)


def panels_for(request) -> list:
    """The panels the registered hooks return for this request, ordered."""
    panels = []
    for fn in hooks.get_hooks(HOOK_NAME):
        panels.extend(fn(request) or [])
    return sorted(panels, key=lambda panel: getattr(panel, "order", 100))


# --------------------------------------------------------------------------------------------
# View, URLs and menu


class DashboardView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "civic/dashboard/index.html"
    page_title = _("Auswertung")
    header_icon = "view"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        panels = panels_for(self.request)
        context.update(
            panels=panels,
            contents=[p for p in panels if getattr(p, "heading", "") and getattr(p, "anchor", "")],
            cache_minutes=DEFAULT_TIMEOUT // 60,
        )
        return context


class DashboardMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


@hooks.register("register_admin_urls")
def register_dashboard_urls():
    patterns = [path("", DashboardView.as_view(), name="index")]
    return [
        path("auswertung/", include((patterns, "civic_dashboard"), namespace="civic_dashboard"))
    ]


@hooks.register("register_admin_menu_item")
def register_dashboard_menu_item():
    return DashboardMenuItem(
        _("Auswertung"),
        reverse("civic_dashboard:index"),
        name="auswertung",
        icon_name="view",
        order=150,
    )
