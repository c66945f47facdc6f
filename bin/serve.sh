#!/bin/sh
# Run civic on this machine as in production (`make serve`): PostgreSQL, Redis as cache and session
# store, static files through WhiteNoise, the anonymous page cache, the job worker and gunicorn
# with several workers, all with civic.settings.production. Ctrl-C stops everything.
#
# Everything can be overridden from the environment; the defaults suit plain http on this
# machine (see docs/deployment.md for a real deployment):
#   DATABASE_URL      postgres://postgres@127.0.0.1:5432/civic   (the database is created if missing)
#   REDIS_URL         redis://127.0.0.1:6379/1                    (a local redis-server is started if
#                                                                  none answers and one is installed)
#   HOST, PORT        127.0.0.1, 8000
#   WEB_CONCURRENCY   gunicorn workers, default 2 x cores + 1
#   SECRET_KEY        default: generated once into .secret_key (git-ignored, mode 600)
set -eu

cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
CORES="$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)"

export DJANGO_SETTINGS_MODULE=civic.settings.production
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/civic}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/1}"
export WEB_CONCURRENCY="${WEB_CONCURRENCY:-$((2 * CORES + 1))}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
export CSRF_TRUSTED_ORIGINS="${CSRF_TRUSTED_ORIGINS:-http://$HOST:$PORT,http://localhost:$PORT}"
export WAGTAILADMIN_BASE_URL="${WAGTAILADMIN_BASE_URL:-http://$HOST:$PORT}"
export ACCOUNT_DEFAULT_HTTP_PROTOCOL="${ACCOUNT_DEFAULT_HTTP_PROTOCOL:-http}"
# Plain http on this machine: no HTTPS redirect, no HSTS, cookies without the Secure flag.
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-0}"
export SECURE_HSTS_SECONDS="${SECURE_HSTS_SECONDS:-0}"
export SECURE_COOKIES="${SECURE_COOKIES:-0}"
# No web server in front: Django hands out uploaded media (one machine only).
export SERVE_MEDIA="${SERVE_MEDIA:-1}"
# No SMTP relay configured: e-mails are printed to the console.
if [ -z "${EMAIL_HOST:-}" ]; then
    export EMAIL_BACKEND="${EMAIL_BACKEND:-django.core.mail.backends.console.EmailBackend}"
fi

if [ -z "${SECRET_KEY:-}" ]; then
    if [ ! -s .secret_key ]; then
        (umask 077 && "$PY" -c "import secrets; print(secrets.token_urlsafe(64))" > .secret_key)
        echo "serve: generated a secret key into .secret_key"
    fi
    SECRET_KEY="$(cat .secret_key)"
    export SECRET_KEY
fi

pids=""
stop() {
    trap - EXIT INT TERM
    for pid in $pids; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT TERM

# Redis: use the one at REDIS_URL; start a local one if nothing answers there.
if ! "$PY" -c "import os, redis; redis.Redis.from_url(os.environ['REDIS_URL']).ping()" 2>/dev/null; then
    redis_port="$("$PY" -c "import os, urllib.parse as u; print(u.urlsplit(os.environ['REDIS_URL']).port or 6379)")"
    if command -v redis-server >/dev/null 2>&1; then
        echo "serve: starting redis-server on port $redis_port"
        redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
            --maxmemory 256mb --maxmemory-policy volatile-lru >/dev/null &
        pids="$pids $!"
        sleep 0.5
    else
        echo "serve: no Redis answers at $REDIS_URL and redis-server is not installed" >&2
        exit 1
    fi
fi

# PostgreSQL: the server must run; the database is created when missing.
"$PY" - <<'EOF'
import os
import sys
import urllib.parse

import psycopg
from psycopg import sql

url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
if url.scheme not in ("postgres", "postgresql", "pgsql"):
    sys.exit(0)
name = urllib.parse.unquote(url.path.lstrip("/"))
admin = url._replace(path="/postgres").geturl()
try:
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"serve: created the database {name}")
except psycopg.OperationalError as error:
    sys.exit(f"serve: PostgreSQL is not reachable at {url.hostname}:{url.port}: {error}")
EOF

"$PY" manage.py compile_translations -v 0
"$PY" manage.py collectstatic --noinput -v 0
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py seed_demo --if-empty

"$PY" manage.py db_worker --backend jobs &
pids="$pids $!"
# Retention: django-tasks has no scheduler; this loop enqueues the daily purge for the worker
# (with several machines run it on one only, or use cron/systemd: docs/deployment.md, "Retention").
"$PY" manage.py purge_personal_data --schedule &
pids="$pids $!"

echo "serve: http://$HOST:$PORT/ with $WEB_CONCURRENCY gunicorn workers (Ctrl-C stops everything)"
"$PY" -m gunicorn civic.wsgi \
    --bind "$HOST:$PORT" \
    --workers "$WEB_CONCURRENCY" \
    --access-logfile - \
    --forwarded-allow-ips "127.0.0.1" &
pids="$pids $!"
gunicorn_pid=$!
wait "$gunicorn_pid"
