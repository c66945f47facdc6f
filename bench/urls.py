"""The site's URLs, plus ``/healthz/`` if civic.urls does not route it (yet)."""

from django.urls import path

from civic.urls import urlpatterns as civic_urlpatterns
from civic.views_health import healthz


def _has_healthz(patterns) -> bool:
    return any(getattr(p, "name", None) == "healthz" for p in patterns)


urlpatterns = list(civic_urlpatterns)
if not _has_healthz(urlpatterns):
    urlpatterns.insert(0, path("healthz/", healthz, name="healthz"))
