"""Production settings: refuse to start without required variables; `check --deploy` is clean."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "SECRET_KEY": "x7!q-" + "k" * 30 + "Zr9#pLm2@vB8$wN4^tY6&uI0*oE3(aS5)dF1",
    "ALLOWED_HOSTS": "beteiligung.example.org",
    "DATABASE_URL": "sqlite:////tmp/civic-check.sqlite3",
}


def run_manage(*args, env_overrides=None, drop=()):
    # Browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for the live server; a deployment never would.
    skip = {*PRODUCTION_ENV, *drop, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env.update(env_overrides or {})
    env["DJANGO_SETTINGS_MODULE"] = "civic.settings.production"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_required_variable(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_manage("check", env_overrides=env)
    assert result.returncode != 0
    assert f"The environment variable {missing} is required" in result.stderr


def test_check_deploy_is_clean():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_redis_url_switches_cache_and_sessions():
    code = (
        "from django.conf import settings;"
        "print(settings.CACHES['default']['BACKEND']);"
        "print(settings.SESSION_ENGINE)"
    )
    env = {**PRODUCTION_ENV, "REDIS_URL": "redis://127.0.0.1:6379/3"}
    result = run_manage("shell", "-c", code, env_overrides=env)
    assert result.returncode == 0, result.stderr
    assert "django.core.cache.backends.redis.RedisCache" in result.stdout
    assert "django.contrib.sessions.backends.cache" in result.stdout
