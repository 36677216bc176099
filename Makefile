# Everyday commands. `make run` and `make test` work on a bare machine with Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The embedded set-up: DEBUG on, SQLite and media under var/. The environment overrides.
export DEBUG ?= true

.PHONY: run test install migrate demo superuser lint format messages lock clean bench

$(BIN)/.installed: requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

# A local .env on first use, so that `.venv/bin/python manage.py ...` works by hand too:
# DEBUG on and a random key of this checkout. Kept once written; never in the image
# (.dockerignore), and docker compose reads its SECRET_KEY and S3_SECRET_ACCESS_KEY (the
# object storage's password; the local set-up keeps media on the disk and ignores it).
.env:
	@printf '# Written by make for local development: DEBUG on. Not for production.\nDEBUG=true\nSECRET_KEY=%s\nS3_SECRET_ACCESS_KEY=%s\n' \
		"$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
		"$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(30))')" > $@
	@echo "Wrote .env for local development (DEBUG=true, a random SECRET_KEY and S3_SECRET_ACCESS_KEY)."

install: $(BIN)/.installed .env

var:
	mkdir -p var/media var/private var/static

migrate: install var
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py setup_roles
	$(BIN)/python manage.py load_demo

superuser: migrate
	$(BIN)/python manage.py createsuperuser

# Links in mail and from commands (no request to take the host from) follow PORT.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
# `make run` behaves like production: photos are processed by a task worker started
# beside the web server (stopped with it), not inside the participant's request.
RUN_TASKS_BACKEND ?= django_tasks_db.DatabaseBackend

run: demo
	@echo
	@echo "  Admin account: make superuser"
	@echo "  The site: http://127.0.0.1:$(PORT)/ (with a task worker for the photos)"
	@echo
	@export TASKS_BACKEND=$(RUN_TASKS_BACKEND); \
	$(BIN)/python manage.py worker --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install var
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install
	$(BIN)/python manage.py makemessages --no-obsolete --no-location -l be -l ru --ignore=.venv --ignore=var --ignore=tests --ignore=bench
	$(BIN)/python manage.py compilemessages --ignore=.venv

# Every figure of issue 11 (bench/README.md), under a lock so that runs do not share
# the cores; JSON under var/bench/. Needs PostgreSQL and Redis (BENCH_DATABASE_URL,
# BENCH_CACHE_URL); the page weight needs Chromium, nginx and envsubst.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/soliday_bench
BENCH_CACHE_URL ?= redis://127.0.0.1:6379/14
bench: install var
	mkdir -p var/bench
	flock /tmp/soliday-bench.lock $(BIN)/python bench/pipeline.py
	flock /tmp/soliday-bench.lock $(BIN)/python bench/uploads.py
	flock /tmp/soliday-bench.lock $(BIN)/python bench/formats.py
	DATABASE_URL=$(BENCH_DATABASE_URL) CACHE_URL=$(BENCH_CACHE_URL) \
		flock /tmp/soliday-bench.lock $(BIN)/python bench/pages.py
	flock /tmp/soliday-bench.lock $(BIN)/python bench/weight.py

lock:
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra faces --python-version 3.11 --generate-hashes -q -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra faces --extra dev --python-version 3.11 --generate-hashes -q -o requirements-dev.lock

clean:
	rm -rf $(VENV) var
