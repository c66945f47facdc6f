"""Settings of the load test's server (bench/load.py): production settings, except that static
files are served without the hashed manifest (the throw-away run does not collectstatic; its
pages render the same templates). MEDIA_ROOT and PRIVATE_MEDIA_ROOT come from the environment
that bench/load.py builds (a temporary directory)."""

from civic.settings.production import *  # noqa: F401,F403
from civic.settings.production import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
