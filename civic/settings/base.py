"""Settings shared by every environment. Environment-specific modules import from here."""

import os
from pathlib import Path

import dj_database_url

from civic.settings.gis import gdal_library_path, geos_library_path

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

INSTALLED_APPS = [
    "civic",
    "stadtgedaechtnis",
    "agenda",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "civic.apps_users.CivicUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "laces",
    "taggit",
    "django_filters",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "leaflet",
    "django_comments_xtd",
    "django_comments",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Whole pages for anonymous visitors (civic/cache.py); off unless CIVIC_PAGE_CACHE_SECONDS > 0.
    "civic.cache.AnonymousPageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "civic.middleware.CivicCSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "civic.middleware.AdminAccessMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "civic.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "civic.wsgi.application"

# Database: SQLite by default, anything dj-database-url understands through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "civic.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "civic:my_area"

# django-allauth: e-mail login, mandatory verification, no usernames.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SIGNUP_FORM_CLASS = "civic.forms.SignupForm"
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = os.environ.get("ACCOUNT_DEFAULT_HTTP_PROTOCOL", "http")

# Internationalisation: German first, English second.
LANGUAGE_CODE = "de"
# Language names in their own language, as a switcher should show them.
LANGUAGES = [("de", "Deutsch"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True
WAGTAIL_CONTENT_LANGUAGES = [("de", "Deutsch")]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("de", "Deutsch"), ("en", "English")]

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Files only staff may download (exports, generated PDFs): never under MEDIA_URL, served by
    # views that check permissions (civic.jobs_admin).
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": os.environ.get("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private-media")),
            "base_url": None,
        },
    },
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

SITE_ID = 1

# Wagtail
WAGTAIL_SITE_NAME = "civic"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no requests to outside services from the admin
WAGTAILEMBEDS_RESPONSIVE_HTML = True

# Comments (django-comments-xtd), wrapped by civic.comments (register_commentable, comment_section).
COMMENTS_APP = "django_comments_xtd"
COMMENTS_XTD_MAX_THREAD_LEVEL = 2  # three levels: 0, 1, 2
COMMENTS_XTD_CONFIRM_EMAIL = True  # would only apply to anonymous comments, which civic refuses
COMMENTS_XTD_LIST_ORDER = ("thread_id", "order")
COMMENT_MAX_LENGTH = 3000
COMMENTS_XTD_FORM_CLASS = "civic.comments.CivicCommentForm"
# Only logged-in users post (civic.comments also asks the target's can_comment); flagging on.
COMMENTS_XTD_APP_MODEL_OPTIONS = {
    "default": {
        "who_can_post": "users",
        "allow_flagging": True,
        "allow_feedback": False,
        "show_feedback": False,
    }
}
# Follow-up e-mails go through Django's mail backend in the request (no threads; tests read
# mail.outbox), as plain text (templates in templates/django_comments_xtd/).
COMMENTS_XTD_THREADED_EMAILS = False
COMMENTS_XTD_SEND_HTML_EMAIL = False


def _comment_user_repr(user) -> str:
    """The bundled comments API shows public names, never e-mail addresses."""
    return getattr(user, "public_name", "") if user is not None else ""


COMMENTS_XTD_API_USER_REPR = _comment_user_repr
COMMENTS_XTD_API_GET_USER_AVATAR = "civic.comments.no_avatar"  # no Gravatar requests

# GIS: use the GDAL/GEOS that ship inside the pyogrio and shapely wheels.
GDAL_LIBRARY_PATH = gdal_library_path()
GEOS_LIBRARY_PATH = geos_library_path()

# django-leaflet: defaults only; public maps read the per-site CitySettings instead.
LEAFLET_CONFIG = {
    "TILES": [],
    "ATTRIBUTION_PREFIX": "",
    "RESET_VIEW": False,
    "NO_GLOBALS": True,
}

# Content Security Policy (django-csp 4): no inline scripts anywhere on the public site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "https:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'", "https:"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
# Wagtail's admin still renders some inline scripts and styles upstream: under these paths (and
# only there) script-src and style-src are widened. The public site never is.
CSP_ADMIN_PATH_PREFIXES = ("/admin/",)
CSP_ADMIN_SCRIPT_SRC = ["'self'", "'unsafe-inline'"]
CSP_ADMIN_STYLE_SRC = ["'self'", "'unsafe-inline'"]

# E-mail: a real Django backend everywhere. Development prints to the console.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "beteiligung@example.org")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "civic",
    }
}

# Background tasks (django-tasks). Wagtail's own small tasks run at once ("default"); long jobs
# (large exports, reading-book PDFs; civic.jobs) are queued in the database and run by a worker:
# `python manage.py db_worker --backend jobs` (started by `make run` and `make serve`).
# Anonymous page cache (civic.cache): off in development and tests; production.py turns it on.
CIVIC_PAGE_CACHE_SECONDS = 0

# `make bench` reads the number of queries per response from a header (off unless asked for).
CIVIC_BENCH_QUERY_HEADER = os.environ.get("CIVIC_BENCH_QUERY_HEADER", "") == "1"
if CIVIC_BENCH_QUERY_HEADER:
    MIDDLEWARE = ["civic.bench_middleware.QueryCountMiddleware", *MIDDLEWARE]

TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "jobs": {
        "BACKEND": os.environ.get("JOBS_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    },
}
# Finished jobs' files are deleted after this many days (`manage.py purge_jobs`).
CIVIC_JOB_RETENTION_DAYS = int(os.environ.get("JOB_RETENTION_DAYS", "7"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "civic": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Uploads and retention (see README, "Configuration"): limits in MiB and days, from the environment.
CIVIC_UPLOAD_MAX_IMAGE_BYTES = int(os.environ.get("UPLOAD_MAX_IMAGE_MB", "15")) * 1024 * 1024
CIVIC_UPLOAD_MAX_AUDIO_BYTES = int(os.environ.get("UPLOAD_MAX_AUDIO_MB", "50")) * 1024 * 1024
STADTGEDAECHTNIS_CONTACT_RETENTION_DAYS = int(os.environ.get("CONTACT_RETENTION_DAYS", "90"))
STADTGEDAECHTNIS_UNCONFIRMED_DAYS = int(os.environ.get("UNCONFIRMED_RETENTION_DAYS", "7"))

# --- Issue 8, abuse: rate limits, login lockout, honeypot ---

# Rate limits on every write path (civic/ratelimit.py), per account and per client address, in
# fixed windows: "<amount>/<period>", period s/m/h/d with an optional number ("20/10m"). Address
# limits are higher than account limits: many residents may share one address (a library, the
# town hall's Wi-Fi, a mobile carrier's NAT).
CIVIC_RATE_LIMITS = {
    # Votes, retractions, changes (agenda.views.vote).
    "vote": {"account": "60/m", "address": "300/m"},
    # Writing, previewing, editing and withdrawing proposals.
    "proposal": {"account": "30/h", "address": "100/h"},
    # Telling, editing and withdrawing memories (with and without an account).
    "memory": {"account": "30/h", "address": "60/h"},
    # Comments (form and django-comments-xtd's API).
    "comment": {"account": "20/10m", "address": "100/10m"},
    # Reporting comments (and the feedback buttons, when switched on).
    "flag": {"account": "30/h", "address": "100/h"},
    # The contributor's secret-link pages (confirm, edit, withdraw): "account" is the token.
    "token": {"account": "20/h", "address": "60/h"},
    # Profile form in "Mein Bereich".
    "profile": {"account": "30/h", "address": "100/h"},
    # "Meine Daten": the ZIP of everything stored about a person (expensive to build).
    "data_export": {"account": "5/h", "address": "20/h"},
    # Deleting the account (the form asks for the password: guessing it is limited like a login).
    "delete_account": {"account": "5/15m", "address": "20/15m"},
    # Wagtail's own admin login and password reset ("account" is the entered address).
    "admin_login": {"account": "10/10m", "address": "30/10m"},
    # Password-protected pages (Wagtail's page privacy).
    "page_password": {"account": "", "address": "20/10m"},
}
# Load and bench scripts only: multiplies every limit above and allauth's below. Tests and
# production run with 1.
CIVIC_RATELIMIT_MULTIPLIER = max(1, int(os.environ.get("CIVIC_RATELIMIT_MULTIPLIER", "1") or 1))
# Proxies/load balancers in front of the app that append to X-Forwarded-For (0: REMOTE_ADDR is
# the client). allauth's rate limits use the same number.
CIVIC_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0") or 0)
ALLAUTH_TRUSTED_PROXY_COUNT = CIVIC_TRUSTED_PROXY_COUNT


def _scaled_rates(rates: dict[str, str], factor: int) -> dict[str, str]:
    """allauth's rate strings ("20/m/ip,5/m/key") with every amount multiplied."""

    def scale(part: str) -> str:
        amount, rest = part.strip().split("/", 1)
        return f"{int(amount) * factor}/{rest}"

    return {k: ",".join(scale(p) for p in v.split(",")) for k, v in rates.items()}


# Sign-up, login, password reset and e-mail management (django-allauth, sliding windows).
# "login_failed" is the lockout: after 5 failed logins for one e-mail address within 5 minutes the
# login form answers "Zu viele fehlgeschlagene Anmeldeversuche" (locale/de overrides.po), even
# to the right password; successful logins do not count, a password reset clears the lockout.
ACCOUNT_RATE_LIMITS_BASE = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/h/ip",
    "reset_password": "20/h/ip,3/h/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
    "confirm_email": "1/3m/key",
}
ACCOUNT_RATE_LIMITS = _scaled_rates(ACCOUNT_RATE_LIMITS_BASE, CIVIC_RATELIMIT_MULTIPLIER)
# Honeypot on the anonymous allauth forms (civic/honeypot.py); sign-up gets it through
# ACCOUNT_SIGNUP_FORM_CLASS (civic.forms.SignupForm).
ACCOUNT_FORMS = {
    "login": "civic.honeypot_forms.LoginForm",
    "reset_password": "civic.honeypot_forms.ResetPasswordForm",
}

# --- Issue 8, privacy: data export, account deletion, retention ---
# Retention (civic.privacy; `manage.py purge_personal_data`, daily): sign-ups whose address was
# never confirmed are deleted after this many days; the IP address django-comments stores with a
# comment is cleared after this many days. The privacy page states these times.
CIVIC_UNVERIFIED_ACCOUNT_DAYS = int(os.environ.get("UNVERIFIED_ACCOUNT_DAYS", "14"))
CIVIC_COMMENT_IP_RETENTION_DAYS = int(os.environ.get("COMMENT_IP_RETENTION_DAYS", "30"))

# --- Issue 8, faults and backup ---

# --- Issue 8, audit trail and load test ---
