"""Content Security Policy per area of the site.

The public site gets the strict policy from settings.CONTENT_SECURITY_POLICY (no inline script).
Wagtail's own admin still renders a few inline scripts and styles upstream, so paths under
settings.CSP_ADMIN_PATH_PREFIXES get those two directives widened – and nothing else.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase


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
