"""Helpers of the permission matrix (``tests/test_permission_matrix.py``): the roles, the objects
every URL needs, what a response means ("ok", "login", "denied", ...) and a snapshot of the
rows a forbidden POST must leave alone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.urls import URLPattern, URLResolver, get_resolver

ANONYMOUS = "anonymous"
RESIDENT = "resident"
OWNER = "owner"
EDITOR = "editor"
STEERING = "steering"
ADMIN = "admin"
ROLES = (ANONYMOUS, RESIDENT, OWNER, EDITOR, STEERING, ADMIN)

# Outcomes, as a user (or a client) sees them.
OK = "ok"  # 200 (for a POST: done, i.e. 2xx or a redirect that is not to a login)
LOGIN = "login"  # 302 to a login form
DENIED = "denied"  # 403
NO_ACCESS = "no-access"  # 403, or Wagtail's redirect to the admin home (none of the page shown)
NOT_FOUND = "not-found"  # 404

OUR_APPS = ("civic", "agenda", "stadtgedaechtnis")


@dataclass
class Endpoint:
    """One URL with what each role gets. ``url`` and ``data`` get the world (the objects)."""

    name: str
    url: Callable[[dict], str]
    expect: dict[str, str]
    method: str = "GET"
    data: Callable[[dict], dict] = field(default=lambda w: {})

    @property
    def label(self) -> str:
        return f"{self.method} {self.name}"


def expect(allowed, *, others: str, anonymous: str = LOGIN, **overrides) -> dict[str, str]:
    """OK for the roles in ``allowed``; ``others`` for the rest; anonymous and single roles as
    given (keyword names are the role constants' values)."""
    table = {role: (OK if role in allowed else others) for role in ROLES}
    table[ANONYMOUS] = anonymous
    table.update(overrides)
    return table


def outcome(response, method: str) -> str:
    """What a response means for the matrix."""
    status = response.status_code
    if status in (301, 302, 303):
        location = urlsplit(response["Location"]).path
        if "/login/" in location:
            return LOGIN
        if location.rstrip("/") == "/admin":
            # Wagtail's answer to a staff user without the view's permission (GET or POST):
            # back to the admin home with a message, nothing of the page itself.
            return NO_ACCESS
        return OK
    if status == 403:
        return DENIED
    if status == 404:
        return NOT_FOUND
    if 200 <= status < 300:
        return OK
    raise AssertionError(f"unexpected status {status}")


def matches(got: str, wanted: str) -> bool:
    if wanted == NO_ACCESS:
        return got in (NO_ACCESS, DENIED)
    return got == wanted


def our_url_names() -> dict[str, str]:
    """Every named URL whose view lives in our apps, or which an admin viewset of our models
    (snippets, choosers) serves: {namespaced name: route}."""
    found = {}

    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield prefix + str(pattern.pattern), namespace + pattern.name, pattern.callback

    for route, name, callback in walk(get_resolver().url_patterns):
        view = getattr(callback, "view_class", None) or getattr(callback, "func", None) or callback
        module = getattr(view, "__module__", "") or ""
        ours = module.split(".")[0] in OUR_APPS
        namespace = name.rpartition(":")[0]
        ours_in_admin = route.startswith("admin/") and any(label in namespace for label in OUR_APPS)
        if ours or ours_in_admin:
            found[name] = route
    return found
