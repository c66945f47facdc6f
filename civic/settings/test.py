from civic.settings.base import *  # noqa: F401,F403
from civic.settings.base import ACCOUNT_RATE_LIMITS_BASE, BASE_DIR, STORAGES

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "tests" / ".media"
STORAGES = {
    **STORAGES,
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(BASE_DIR / "tests" / ".private-media"), "base_url": None},
    },
}
# Jobs run at once in tests (inside on_commit); one test runs them through the database worker.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "jobs": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"
# The real rate limits in tests, even where a shell exported CIVIC_RATELIMIT_MULTIPLIER (bench).
CIVIC_RATELIMIT_MULTIPLIER = 1
ACCOUNT_RATE_LIMITS = ACCOUNT_RATE_LIMITS_BASE
