# civic – two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
PIP     = $(VENV)/bin/pip
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install install-test messages translations migrate demo serve lint check-deploy clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: $(VENV)/bin/activate pyproject.toml
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PIP) install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

messages: install
	$(PY) manage.py compile_translations -v 0

migrate: install messages
	$(PY) manage.py migrate --noinput -v 0

demo: migrate
	$(PY) manage.py seed_demo --if-empty

## make run: install, migrate, load the demo city (if the database is empty), serve on :8000
## together with the background worker for long jobs (exports, PDFs); Ctrl-C stops both.
run: demo
	$(PY) manage.py db_worker --backend jobs & worker=$$!; \
	$(PY) manage.py purge_personal_data --schedule & purger=$$!; \
	trap 'kill $$worker $$purger 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

## make serve: run the site as in production on this machine: PostgreSQL (DATABASE_URL, created if
## missing), Redis as cache and sessions (REDIS_URL), WhiteNoise, the anonymous page cache, the job
## worker and gunicorn with WEB_CONCURRENCY workers (default 2 x cores + 1); Ctrl-C stops all.
## See bin/serve.sh and docs/deployment.md.
serve: install
	HOST=$(HOST) PORT=$(PORT) PY=$(PY) sh bin/serve.sh

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## make test: install what the tests need and run the whole suite (browser tests included)
test: install-test node_modules/axe-core/axe.min.js
	$(PY) manage.py compile_translations -v 0
	$(VENV)/bin/ruff check .
	$(PY) -m pytest $(PYTEST_ARGS)

## make translations: extract new strings into each app's catalogue (agenda/, stadtgedaechtnis/,
## civic/locale/); English entries are then filled in the en catalogues. The project-level
## locale/ holds the strings of templates/ (see README, "Translations").
translations: install
	cd agenda && ../$(PY) ../manage.py makemessages -l de -l en --no-obsolete
	cd stadtgedaechtnis && ../$(PY) ../manage.py makemessages -l de -l en --no-obsolete
	sh civic/locale/makemessages.sh

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check-deploy: install
	SECRET_KEY=$$($(PY) -c "import secrets; print(secrets.token_urlsafe(64))") \
	ALLOWED_HOSTS=example.org DATABASE_URL=sqlite:///tmp/check.sqlite3 \
	$(PY) manage.py check --deploy --fail-level WARNING --settings=civic.settings.production

clean:
	rm -rf $(VENV) node_modules staticfiles

## make bench: the benchmark suite of issue 7 (not part of make test) against PostgreSQL
## (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/civic_bench, created if
## missing) at BENCH_SCALE=small|madrid; one part: BENCH_ARGS="--only pages". See bench/README.md.
## make bench-data: only create the data set (migrate, demo city, generators).
BENCH_SCALE ?= small
.PHONY: bench bench-data
bench: install-test messages
	BENCH_SCALE=$(BENCH_SCALE) $(PY) bench/run.py $(BENCH_ARGS)

bench-data: install-test messages
	BENCH_SCALE=$(BENCH_SCALE) $(PY) bench/run.py --only data $(BENCH_ARGS)
