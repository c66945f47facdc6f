"""Content Security Policy per area of the site.

The public site gets the strict policy from settings.CONTENT_SECURITY_POLICY (no inline script).
Wagtail's own admin still renders a few inline scripts and styles upstream, so paths under
settings.CSP_ADMIN_PATH_PREFIXES get those two directives widened – and nothing else.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse


class CivicCSPMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        prefixes = getattr(settings, "CSP_ADMIN_PATH_PREFIXES", ())
        if not report_only and request.path.startswith(tuple(prefixes)):
            replace = dict(parts.replace or {})
            replace.setdefault("script-src", settings.CSP_ADMIN_SCRIPT_SRC)
            replace.setdefault("style-src", settings.CSP_ADMIN_STYLE_SRC)
            parts.replace = replace
        return parts


class AdminAccessMiddleware:
    """Logged-in people without access to the Wagtail admin get 403 on admin URLs.

    Wagtail itself sends them to the admin's login form with a message, which looks like a request
    to log in again; a resident who opens an admin link (a dashboard, an export) should be told
    plainly that this area is not theirs. Anonymous visitors still go to the login form, and the
    login, logout and password reset pages stay open.
    """

    OPEN_URL_NAMES = ("wagtailadmin_login", "wagtailadmin_logout", "wagtailadmin_password_reset")

    def __init__(self, get_response):
        self.get_response = get_response
        self._prefixes = None

    def __call__(self, request):
        if request.user.is_authenticated and self._is_closed_admin_path(request.path):
            if not request.user.has_perm("wagtailadmin.access_admin"):
                raise PermissionDenied
        return self.get_response(request)

    def _is_closed_admin_path(self, path: str) -> bool:
        if self._prefixes is None:
            self._prefixes = (
                reverse("wagtailadmin_home"),
                tuple(reverse(name) for name in self.OPEN_URL_NAMES),
            )
        admin_root, open_paths = self._prefixes
        return path.startswith(admin_root) and not path.startswith(open_paths)
