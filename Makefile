# Meedoen: the two commands of the README.
#   make demo  — set up and run the demo on http://127.0.0.1:8000
#   make test  — set up and run the whole test suite (SQLite, then PostgreSQL)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/meedoen

.PHONY: demo test install system-libs lint pytest-sqlite pytest-postgres browser-deps messages serve clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.lock pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.lock
	$(PY) -m pip install -q --no-deps -e .
	touch $(STAMP)

# The matching engine's kernels compiled ahead of time (numba's pycc), so that a process loads
# them without importing numba (the command line starts in 0.2 s instead of about 1 s). Built
# again when a kernel's source changes; without the module, numba compiles on first use.
KERNELS := meedoen/matching/engine/_kernels.digest
KERNEL_SOURCES := $(addprefix meedoen/matching/engine/,aot.py kernels.py jit.py eligibility.py da_kernel.py flow.py model.py)

$(KERNELS): $(STAMP) $(KERNEL_SOURCES)
	$(PY) -m meedoen.matching.engine.aot || echo "Kernels not compiled ahead of time: numba compiles them on first use."

install: $(STAMP) $(KERNELS)

# Pango and fonts for WeasyPrint's PDFs (installed with apt when missing).
system-libs:
	bash scripts/ensure-system-libs.sh

# Demo: SQLite file under var/, console e-mail, a background worker, the scheduler of
# periodic jobs (reminders), and the
# documented two-factor bypass for demo staff accounts (refused in production).
demo: export MEEDOEN_DEMO_SKIP_MFA = true
demo: install system-libs
	mkdir -p var
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py seed_demo
	@echo ""
	@echo "Meedoen demo: http://127.0.0.1:8000  (Ctrl-C stops server and worker)"
	@echo "Accounts: admin broker municipality projectlead coordinator coordinator2 mentor student organisation"
	@echo "Password for all: meedoen-demo"
	@trap 'kill 0' EXIT INT TERM; \
	  $(PY) manage.py db_worker & \
	  $(PY) manage.py run_scheduler --loop & \
	  $(PY) manage.py runserver 127.0.0.1:8000 --noreload

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	MEEDOEN_ENV=test $(PY) manage.py makemigrations --check --dry-run

browser-deps:
	bash scripts/ensure-chromium.sh

pytest-sqlite: install
	env -u DATABASE_URL MEEDOEN_ENV=test $(PY) -m pytest -q

pytest-postgres: install
	@if [ -z "$$DATABASE_URL" ] && [ "$$CI" != "true" ]; then \
	  echo "DATABASE_URL not set: skipping the PostgreSQL run (CI=true makes it compulsory)."; \
	else \
	  bash scripts/ensure-postgres.sh && \
	  DATABASE_URL=$${DATABASE_URL:-$(PG_TEST_URL)} MEEDOEN_ENV=test $(PY) -m pytest -q; \
	fi

test: install system-libs lint browser-deps pytest-sqlite pytest-postgres

messages: install
	mkdir -p meedoen/locale
	cd meedoen && ../$(PY) ../manage.py makemessages -l nl --no-obsolete --ignore "*/tests/*" --ignore "browser_tests/*"
	cd meedoen && ../$(PY) ../manage.py compilemessages -v0

clean:
	rm -rf $(VENV) var/*.sqlite3* meedoen/matching/engine/_kernels*
