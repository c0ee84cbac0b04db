# newsdesk: `make run` serves the chat on 127.0.0.1, `make test` runs the whole test suite.
# Both create .venv and install everything on first use (torch's CPU build first).

VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 7860
export HF_HUB_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: install run test test-fast lint bench eval llm-fixture browser-fixture pg-fixture clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

run: install
	$(VENV)/bin/newsdesk serve --host $(HOST) --port $(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

# tests/unit only: pure logic, no model or server (seconds)
test-fast: install
	$(PY) -m pytest tests/unit -q $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check assistant index prompts tests benchmarks studies
	$(VENV)/bin/ruff format --check assistant index prompts tests benchmarks studies
	$(VENV)/bin/mypy

bench: install
	$(PY) benchmarks/ingest_realtimeqa.py

eval: install
	$(VENV)/bin/newsdesk eval realtimeqa ../shared/data/realtimeqa ../shared/data/realtimeqa-2023

llm-fixture:
	bash tests/fixtures/prepare_llm.sh

# Debian chromium (needs root) and playwright-core for the browser test.
browser-fixture:
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)
	cd tests/e2e/browser && npm ci --no-audit --no-fund --loglevel=error

# Debian postgresql (initdb, pg_ctl) for the shared-catalog tests (needs root); they start their
# own cluster in a temp dir, so the packaged cluster need not run.
pg-fixture:
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache *.egg-info
