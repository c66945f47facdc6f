from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django_comments.views.comments import post_comment
from django_comments_xtd import views as xtd_views
from django_comments_xtd.api import views as xtd_api
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.views import account as wagtail_account
from wagtail.documents import urls as wagtaildocs_urls

from civic import ratelimit, views
from civic.api import api
from civic.views_health import healthz

# allauth's rate limits (sign-up, login, password reset) answer with civic's 429 page.
handler429 = "civic.ratelimit.handler429"


def _posted(field):
    """Account key for login-like forms: the address typed in (hashed), so that one address
    cannot be tried endlessly from many client addresses."""

    def key(request, *args, **kwargs):
        value = (request.POST.get(field) or "").strip().lower()
        return ratelimit.secret_key(value) if value else None

    return key


# Write paths of third-party views, rate-limited (civic.ratelimit). Listed before the includes
# that define them, so these patterns win; the URLs (and their names, from the includes) stay.
_xtd_api_kwargs = {"override_drf_defaults": True}
rate_limited_patterns = [
    path(
        "admin/login/",
        ratelimit.limit("admin_login", account=_posted("username"))(
            wagtail_account.LoginView.as_view()
        ),
    ),
    path(
        "admin/password_reset/",
        ratelimit.limit("admin_login", account=_posted("email"))(
            wagtail_account.PasswordResetView.as_view()
        ),
    ),
    path("comments/post/", ratelimit.limit("comment")(post_comment)),
    re_path(r"^comments/flag/(\d+)/$", ratelimit.limit("flag")(xtd_views.flag)),
    re_path(r"^comments/like/(\d+)/$", ratelimit.limit("flag")(xtd_views.like)),
    re_path(r"^comments/dislike/(\d+)/$", ratelimit.limit("flag")(xtd_views.dislike)),
    path(
        "comments/api/comment/",
        ratelimit.limit("comment")(xtd_api.CommentCreate.as_view()),
        _xtd_api_kwargs,
    ),
    path(
        "comments/api/feedback/",
        ratelimit.limit("flag")(xtd_api.ToggleFeedbackFlag.as_view()),
        _xtd_api_kwargs,
    ),
    path(
        "comments/api/flag/",
        ratelimit.limit("flag")(xtd_api.CreateReportFlag.as_view()),
        _xtd_api_kwargs,
    ),
]

urlpatterns = [
    *rate_limited_patterns,
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
#: Served inline (shown in the page); everything else is a download. No SVG: it can carry script.
INLINE_MEDIA_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif", "image/avif"})


def serve_media(request, path, document_root=None):
    """django.views.static.serve with safe headers for uploaded files: no type sniffing, raster
    images inline, anything else (audio, PDFs, whatever slipped through) as an attachment, and a
    sandboxing CSP in case a file is opened directly."""
    from django.views.static import serve

    response = serve(request, path, document_root=document_root or settings.MEDIA_ROOT)
    content_type = (response.get("Content-Type") or "").split(";")[0].strip().lower()
    response["X-Content-Type-Options"] = "nosniff"
    if content_type not in INLINE_MEDIA_TYPES:
        disposition = response.get("Content-Disposition", "")
        response["Content-Disposition"] = (
            "attachment" + disposition[len("inline") :]
            if disposition.startswith("inline")
            else "attachment"
        )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


if settings.DEBUG or getattr(settings, "SERVE_MEDIA", False):
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve_media, {"document_root": settings.MEDIA_ROOT})
    ]

# German lives at /, English at /en/: shareable, cacheable, German first.
urlpatterns += i18n_patterns(
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        ratelimit.limit("page_password")(wagtail_views.authenticate_with_password),
    ),
    path("konto/", include("allauth.urls")),
    path("", include("civic.urls_public")),
    # The domain apps' own views (included by name: civic does not import them).
    path("", include("stadtgedaechtnis.urls")),
    path("", include("agenda.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
