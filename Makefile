# Set-up and everyday commands. Every target creates and uses ./.venv, so a fresh clone needs
# nothing but Python 3.11+ and these two commands: `make demo` and `make test`.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: demo test bench lint install dev clean paraphrase-models

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(DEV_STAMP): pyproject.toml $(RUN_STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,lint,multilingual,eval,baselines]'
	@# BERTopic's declared sentence-transformers (and so PyTorch) is only for embedding; the
	@# clustering evaluation hands it Parallax's own vectors.
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps bertopic==0.17.4
	touch $@

install: $(RUN_STAMP)

dev: $(DEV_STAMP)

demo: $(RUN_STAMP)
	$(BIN)/parallax demo

# Installs Debian's Chromium for the browser test when it is missing; where it is there, the
# browser test must run (PARALLAX_REQUIRE_BROWSER=1), never be skipped.
test: $(DEV_STAMP)
	@browser=$$(scripts/ensure-chromium); \
	PARALLAX_REQUIRE_BROWSER=$${PARALLAX_REQUIRE_BROWSER:-$$browser} $(BIN)/python -m pytest

bench: $(DEV_STAMP)
	@# wrk (Debian) loads the web server without taking a core from it; best effort, see docs/benchmarks.md.
	@command -v wrk >/dev/null 2>&1 || { if [ "$$(id -u)" -eq 0 ]; then apt-get install -y wrk; \
	    else sudo -n apt-get install -y wrk; fi; } >&2 || echo "wrk not installed: the web benchmark uses a Python client" >&2
	$(BIN)/python benchmarks/run.py

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

# Optional: rebuild the shipped paraphrase cross-encoder from its sources, or build the larger
# screened pair (PAIR=1); about 90 minutes on two cores; see scripts/paraphrase-models.
paraphrase-models:
	scripts/paraphrase-models

clean:
	rm -rf $(VENV) parallax-demo .pytest_cache .mypy_cache .ruff_cache
