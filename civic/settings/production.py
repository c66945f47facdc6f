"""Production settings: everything comes from environment variables.

Required: SECRET_KEY, ALLOWED_HOSTS (comma-separated), DATABASE_URL.
Optional: REDIS_URL (cache and sessions), CSRF_TRUSTED_ORIGINS, WAGTAILADMIN_BASE_URL,
EMAIL_HOST/EMAIL_PORT/EMAIL_HOST_USER/EMAIL_HOST_PASSWORD/EMAIL_USE_TLS/EMAIL_USE_SSL,
DEFAULT_FROM_EMAIL, MEDIA_ROOT or S3 media storage (MEDIA_S3_BUCKET, MEDIA_S3_ENDPOINT_URL,
MEDIA_S3_REGION, MEDIA_S3_CUSTOM_DOMAIN; credentials as AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY),
SECURE_SSL_REDIRECT (default on), SECURE_HSTS_SECONDS (default one year), SECURE_COOKIES
(default on), CIVIC_PAGE_CACHE_SECONDS (anonymous page cache, default 60, 0 = off),
PAGE_CACHE_REDIS_URL (own Redis for the page cache), FRONTEND_CACHE_PURGE_URL /
CLOUDFLARE_BEARER_TOKEN + CLOUDFLARE_ZONEID (CDN purge on publish), SERVE_MEDIA (one machine only),
TRUSTED_PROXY_COUNT (load balancers/proxies in front that append to X-Forwarded-For; the rate
limits count per client address, so behind a proxy this must be set, default 0),
CIVIC_RATELIMIT_MULTIPLIER (load tests only; never in real operation).
See docs/deployment.md and docs/security.md.
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from civic.settings.base import *  # noqa: F401,F403
from civic.settings.base import INSTALLED_APPS, MIDDLEWARE, STORAGES


def _require(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"The environment variable {name} is required in production and is not set."
        )
    return value


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = False
SECRET_KEY = _require("SECRET_KEY")
ALLOWED_HOSTS = [h.strip() for h in _require("ALLOWED_HOSTS").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
DATABASES = {
    "default": dj_database_url.parse(
        _require("DATABASE_URL"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

if os.environ.get("WAGTAILADMIN_BASE_URL"):
    WAGTAILADMIN_BASE_URL = os.environ["WAGTAILADMIN_BASE_URL"]
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

# Redis as cache and session store when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "civic",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"

# Anonymous page cache (civic.cache): whole pages for visitors without a session, invalidated on
# publishing and on registered domain changes; anything else is at most this many seconds old.
CIVIC_PAGE_CACHE_SECONDS = int(os.environ.get("CIVIC_PAGE_CACHE_SECONDS", "60"))
# Pages in their own Redis (allkeys-lru), so that a full page cache never evicts sessions.
PAGE_CACHE_REDIS_URL = os.environ.get("PAGE_CACHE_REDIS_URL", "").strip()
if PAGE_CACHE_REDIS_URL:
    CACHES = {
        **CACHES,  # noqa: F405 (from base when REDIS_URL is not set)
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": PAGE_CACHE_REDIS_URL,
            "KEY_PREFIX": "civic",
        },
    }
    CIVIC_PAGE_CACHE_ALIAS = "pages"

# A CDN or Varnish in front: Wagtail purges a page's URLs there when it is published or
# unpublished (wagtail.contrib.frontend_cache). Only when configured.
WAGTAILFRONTENDCACHE = {}
if os.environ.get("FRONTEND_CACHE_PURGE_URL"):
    WAGTAILFRONTENDCACHE["http"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": os.environ["FRONTEND_CACHE_PURGE_URL"],
    }
if os.environ.get("CLOUDFLARE_ZONEID"):
    WAGTAILFRONTENDCACHE["cloudflare"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "BEARER_TOKEN": _require("CLOUDFLARE_BEARER_TOKEN"),
        "ZONEID": os.environ["CLOUDFLARE_ZONEID"],
    }
if WAGTAILFRONTENDCACHE:
    INSTALLED_APPS = [*INSTALLED_APPS, "wagtail.contrib.frontend_cache"]

# Security headers and cookies.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _flag("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _flag("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# SECURE_COOKIES=0 only for plain http on localhost (`make serve`); never behind a real host name.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _flag("SECURE_COOKIES", True)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# E-mail through SMTP.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _flag("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _flag("EMAIL_USE_SSL", False)
if os.environ.get("DEFAULT_FROM_EMAIL"):
    DEFAULT_FROM_EMAIL = SERVER_EMAIL = os.environ["DEFAULT_FROM_EMAIL"]

# Static files through WhiteNoise with hashed, compressed names.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Media: local directory by default, S3-compatible object storage when a bucket is named
# (needs the "s3" extra: pip install ".[s3]").
if os.environ.get("MEDIA_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["MEDIA_S3_BUCKET"],
            "endpoint_url": os.environ.get("MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("MEDIA_S3_REGION") or None,
            "custom_domain": os.environ.get("MEDIA_S3_CUSTOM_DOMAIN") or None,
            "default_acl": None,
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
    # Exports and generated documents: same bucket, own prefix, never public (handed out by
    # permission-checked views only).
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **STORAGES["default"]["OPTIONS"],
            "location": "private",
            "custom_domain": None,
            "default_acl": "private",
            "querystring_auth": True,
        },
    }

MIDDLEWARE = list(MIDDLEWARE)
# The anonymous page cache right after LocaleMiddleware (base.py may list it already).
if "civic.cache.AnonymousPageCacheMiddleware" not in MIDDLEWARE:
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.locale.LocaleMiddleware") + 1,
        "civic.cache.AnonymousPageCacheMiddleware",
    )

# Uploaded media through Django itself: only for one machine without a web server in front
# (`make serve`); several app servers use S3-compatible storage (MEDIA_S3_*).
SERVE_MEDIA = _flag("SERVE_MEDIA", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
