from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from civic import views
from civic.api import api
from civic.views_health import healthz

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/", api.urls),
    path("theme.css", views.theme_css, name="theme_css"),
    # Health check for load balancers (and the framework floor of `make bench`): no DB, no session.
    path("healthz/", healthz, name="healthz"),
    path("comments/", include("django_comments_xtd.urls")),
]

# Uploaded media from Django itself: in development, and with SERVE_MEDIA on a single machine
# (`make serve`). With several machines media lives in object storage (MEDIA_S3_*).
if settings.DEBUG or getattr(settings, "SERVE_MEDIA", False):
    from django.urls import re_path
    from django.views.static import serve as serve_media

    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve_media, {"document_root": settings.MEDIA_ROOT})
    ]

# German lives at /, English at /en/: shareable, cacheable, German first.
urlpatterns += i18n_patterns(
    path("konto/", include("allauth.urls")),
    path("", include("civic.urls_public")),
    # The domain apps' own views (included by name: civic does not import them).
    path("", include("stadtgedaechtnis.urls")),
    path("", include("agenda.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
