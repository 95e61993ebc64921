# The two commands: `make run` (install, migrate, seed, serve on the embedded default)
# and `make test` (install, run the whole suite). Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export HOST ?= 127.0.0.1
export PORT ?= 8000

.PHONY: install lock run test lint typecheck schema docs clients web check bench fuzz graphiql-assets clean

# The locks: every package at an exact version with the hashes of its files on PyPI.
# requirements.lock is what the server needs (the Docker image installs it);
# requirements-dev.lock adds the tools and tests' packages at the same pins (`make
# install`, CI). `make lock` writes both from pyproject.toml.
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock

# Reinstalled when a lock or pyproject.toml changes. pip checks every file it installs
# against the lock's hashes (and refuses anything the lock does not pin); the project
# itself comes last, without dependencies.
$(STAMP): $(DEV_LOCK) pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# Needs the network. uv, at a fixed version in a throwaway virtualenv, resolves for every
# platform and Python >= 3.11 (--universal) against PyPI only (--no-config, --index-url),
# keeping the pins already in the locks that still satisfy pyproject.toml; `make lock
# LOCK_FLAGS=--upgrade` moves everything to the newest allowed. The dev lock is
# constrained by the runtime lock, so the two agree on every shared package.
UV_VERSION := 0.13.9
LOCK_FLAGS ?=
UV_COMPILE = pip compile --quiet --no-config --universal --python-version 3.11 --generate-hashes \
	--index-url https://pypi.org/simple --custom-compile-command "make lock" $(LOCK_FLAGS) pyproject.toml
lock:
	tools=$$(mktemp -d) && trap 'rm -rf "$$tools"' EXIT && \
	$(PYTHON) -m venv "$$tools" && \
	"$$tools/bin/python" -m pip install --quiet uv==$(UV_VERSION) && \
	"$$tools/bin/uv" $(UV_COMPILE) -o $(LOCK) && \
	"$$tools/bin/uv" $(UV_COMPILE) --extra dev --constraint $(LOCK) -o $(DEV_LOCK)

run: install
	$(BIN)/casino-club migrate
	$(BIN)/casino-club seed
	$(BIN)/casino-club serve

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check src tests migrations bench scripts
	$(BIN)/ruff format --check src tests migrations bench scripts
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

# Needs PostgreSQL and Redis (BENCH_DATABASE_URL, BENCH_REDIS_URL; defaults: the local ones).
bench: install
	$(BIN)/python -m bench.bet_path
	$(BIN)/python -m bench.redis_trips
	$(BIN)/python -m bench.insight
	$(BIN)/python -m bench.proxy
	$(BIN)/python -m bench.scale

# The suite fuzzes the running server briefly (fixed seed, 60 examples per backend); this
# runs it for longer. FUZZ_SEED=<n> for another sequence. Needs PostgreSQL and Redis.
FUZZ_EXAMPLES ?= 3000
fuzz: install
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest tests/e2e/test_fuzz_server.py

# GraphiQL's scripts and styles, shipped in the package: fetched from the npm registry at
# the versions and tarball hashes pinned in the script (no Node needed). Commit the result;
# tests/unit/test_graphiql_assets.py holds the files to the manifest it writes.
graphiql-assets:
	$(PYTHON) scripts/fetch_graphiql.py

# schema.graphql and, beside it, possibleTypes.json (the fragment matcher for clients' caches).
schema: install
	$(BIN)/casino-club export-schema --output schema.graphql

# docs/configuration.md, generated from src/casino_club/config.py (every setting, its
# default and the comment above it). Commit the result; tests/docs/test_docs.py fails
# when the committed page differs from what this writes.
docs: install
	$(BIN)/python -m scripts.config_reference

# What the suite checks of clients/ (needs Node >= 20): install from the lock, generate
# the operations' types from schema.graphql, compile them under tsc --strict.
clients:
	cd clients && npm ci --no-audit --no-fund && npm run codegen && npm run typecheck

# The web client at /play (needs Node >= 20): install from the lock, type the operations
# from schema.graphql, check under tsc --strict, bundle into src/casino_club/web/static/.
# Commit the result; tests/web/test_web_build.py rebuilds it and fails when it is stale.
web:
	cd web && npm ci --no-audit --no-fund && npm run build

check: lint typecheck test

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache casino.db casino.db-* clients/node_modules clients/build clients/src/generated web/node_modules web/src/generated
