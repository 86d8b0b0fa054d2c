# CaseKG — the two commands a newcomer types: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
KG     := $(BIN)/kg
OUT    := outputs
SEED_CASE := seed-kyphoplasty
QUERIES := cq1 cq2 cq3 cq4 cq5 cq6 cq7

.PHONY: run test ontology bench java browser virtuoso clean lint compile

# ---- environment -----------------------------------------------------------
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Compiled extraction (docs/scale.md, "Compiled extraction"): mypyc (the `fast` extra)
# builds kg/extract/*.py in place when a C compiler and Python headers are here, else
# one line says extraction runs as pure Python.  Rebuilt when a source is newer than the
# record kg/extract/_compiled.json; importing kg.extract refuses a stale binary anyway.
# `.venv/bin/python -m kg._compile --clean` goes back to pure Python.
COMPILED_SRC := $(filter-out kg/extract/__init__.py,$(wildcard kg/extract/*.py))

$(VENV)/.installed-fast: pyproject.toml | $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[fast]' || echo "kg: could not install the fast extra"
	touch $@

kg/extract/_compiled.json: $(COMPILED_SRC) kg/_compile.py | $(VENV)/.installed-fast
	-$(BIN)/python -m kg._compile

compile: kg/extract/_compiled.json

# HermiT (the OWL reasoner the tests run) needs a Java runtime.
java:
	@command -v java >/dev/null 2>&1 || { \
	  echo "installing a Java runtime for the HermiT reasoner"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; }

# The explorer's tests drive a real headless chromium (Debian's, with its matching chromedriver).
browser:
	@command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 || { \
	  echo "installing chromium and chromedriver for the explorer's browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }

# The store contract tests also run against Virtuoso open source, a second SPARQL server
# (test-only; they start their own instance on 127.0.0.1). Where apt may start services
# the package starts and enables a system-wide one: stop and disable it.
virtuoso:
	@command -v virtuoso-t >/dev/null 2>&1 && command -v isql-vt >/dev/null 2>&1 || { \
	  echo "installing Virtuoso open source for the store contract tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource >/dev/null && \
	  { { service virtuoso-opensource-7 stop; update-rc.d virtuoso-opensource-7 disable; } >/dev/null 2>&1 || true; }; }

# ---- the two commands ------------------------------------------------------
run: $(VENV)/.installed compile
	$(KG) build seeds -o $(OUT)/graph.ttl
	@mkdir -p $(OUT)/queries
	@for q in $(QUERIES); do \
	  $(KG) query $$q --graph $(OUT)/graph.ttl --format csv -o $(OUT)/queries/$$q.csv || exit 1; \
	  echo "$(OUT)/queries/$$q.csv"; done
	$(KG) query cq1 --graph $(OUT)/graph.ttl --format table
	$(KG) draw $(SEED_CASE) --graph $(OUT)/graph.ttl -o $(OUT)/$(SEED_CASE).png

test: $(VENV)/.installed compile java browser virtuoso
	$(BIN)/python -m pytest

# ---- maintenance -----------------------------------------------------------
ontology: $(VENV)/.installed
	$(BIN)/python -m kg.ontogen

# Benchmark (bench/README.md): writes outputs/bench.md.  `make bench BENCH_ARGS=--quick`
# for 1,000 cases (~2 min); the default run (1k, 10k, 100k cases) takes up to ~30 min.
BENCH_ARGS ?=
bench: $(VENV)/.installed compile
	$(BIN)/python -m bench.run $(BENCH_ARGS)

lint: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet ruff
	$(BIN)/ruff check kg tests

clean:
	rm -rf $(OUT)/*.ttl $(OUT)/*.png $(OUT)/queries
