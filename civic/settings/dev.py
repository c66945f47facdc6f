from civic.settings.base import *  # noqa: F401,F403

DEBUG = True
SECRET_KEY = "django-insecure-dev-only-not-for-production"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
