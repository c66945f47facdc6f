from civic.settings.base import *  # noqa: F401,F403
from civic.settings.base import BASE_DIR

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "tests" / ".media"
WAGTAILADMIN_BASE_URL = "http://testserver"
