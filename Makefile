# Set-up is two commands: `make build` and `make test`. Both work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Debian packages: WeasyPrint's Pango and HarfBuzz subsetting (small, fast PDFs), fontconfig's
# fc-list (a brand may name any installed font family) and DejaVu for building; poppler
# (pdftotext, pdftoppm), qpdf and LibreOffice (the office suite that must accept our files),
# Chromium (the web front) and redis-server (the tests start their own, for Celery) for testing.
BUILD_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libcairo2 fontconfig \
	fonts-dejavu-core
TEST_DEBS := poppler-utils qpdf libreoffice-writer-nogui libreoffice-calc-nogui chromium \
	redis-server
TEST_TOOLS := pdftotext pdftoppm qpdf soffice chromium redis-server

.PHONY: build test test-quick lint bench docs clean references system-build system-test

build: $(BIN)/.installed system-build
	$(BIN)/journeykit build

test: $(BIN)/.installed-test system-build system-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest --numprocesses auto

# While working: the tests not marked slow (no whole-library build, no LibreOffice, no fuzzing).
test-quick: $(BIN)/.installed-test system-build system-test
	$(BIN)/python -m pytest -m "not slow" --numprocesses auto

lint: $(BIN)/.installed-test
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: $(BIN)/.installed-test system-build
	$(BIN)/python bench/build.py
	$(BIN)/python bench/batch.py 20 --guide kundresan
	$(BIN)/python bench/import_workbook.py

# Reference images of key pages for tests/test_references.py: run after an intended layout change.
references: $(BIN)/.installed-test system-build system-test
	$(BIN)/python tests/references.py

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(BIN)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(BIN)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(BIN)/.installed

# Install Debian packages when something is missing: as root with apt-get (waiting while another
# program holds apt's lock), otherwise say what to do.
APT_INSTALL = if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing $(1) with apt-get"; \
		.ci/apt-get-waiting update -qq && DEBIAN_FRONTEND=noninteractive \
		.ci/apt-get-waiting install -y -qq --no-install-recommends $(1) >/dev/null; \
	else echo "Missing system packages; install them first: $(1)" >&2; exit 1; fi

system-build:
	@if ! ldconfig -p | grep -q libharfbuzz-subset.so.0 || ! ldconfig -p | grep -q libpangoft2 \
		|| ! ldconfig -p | grep -q libcairo.so.2 || ! command -v fc-list >/dev/null \
		|| ! fc-list -q "DejaVu Serif"; \
	then $(call APT_INSTALL,$(BUILD_DEBS)); fi

system-test:
	@missing=""; for tool in $(TEST_TOOLS); do command -v $$tool >/dev/null || missing=1; done; \
	if [ -n "$$missing" ]; then $(call APT_INSTALL,$(TEST_DEBS)); fi

# Thumbnails of every blank worksheet page for the README (committed under docs/).
docs: $(BIN)/.installed system-build system-test
	rm -rf .docs-build docs/thumbnails && mkdir -p docs/thumbnails
	$(BIN)/journeykit build --format pdf --variant blank --out .docs-build
	for pdf in .docs-build/default/*/*.pdf; do \
		lang=$$(basename $$(dirname $$pdf)); name=$$(basename $$pdf .pdf); \
		pdftoppm -png -r 24 -singlefile $$pdf docs/thumbnails/$$lang-$${name%-blank}; \
	done
	rm -rf .docs-build

clean:
	rm -rf output/*/ .pytest_cache .ruff_cache
