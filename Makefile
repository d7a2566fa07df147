# The two commands a user needs: `make run` and `make test`. Everything else is a step of them.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
UV := python3 -m uv
STOCKLINE := $(BIN)/stockline
FRONTEND := frontend
HAS_FRONTEND := $(wildcard $(FRONTEND)/package.json)
export UV_PYTHON_DOWNLOADS := never
# PostgreSQL tests run against this server; where none answers they are skipped, saying so.
export STOCKLINE_TEST_POSTGRES_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/test

.PHONY: run test install backend-install frontend-install frontend-build lint typecheck \
        test-backend test-frontend test-e2e check-api lock clean bench

run: install frontend-build  ## install, migrate, seed an empty store, serve on :8000
	$(STOCKLINE) db upgrade
	$(STOCKLINE) seed --if-empty
	$(STOCKLINE) serve

test: install lint typecheck test-backend test-frontend  ## everything CI runs

install: backend-install frontend-install

backend-install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install -q uv
	[ -x $(BIN)/python ] || $(UV) venv -q --python 3.11 $(VENV)
	$(UV) pip sync -q --python $(BIN)/python requirements.lock
	$(UV) pip install -q --python $(BIN)/python --no-deps -e .
	touch $@

lint: backend-install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: backend-install
	$(BIN)/mypy

test-backend: backend-install
	$(BIN)/python -m pytest

ifneq ($(HAS_FRONTEND),)
frontend-install: $(FRONTEND)/node_modules/.installed

$(FRONTEND)/node_modules/.installed: $(FRONTEND)/package.json $(FRONTEND)/package-lock.json
	cd $(FRONTEND) && npm ci --no-audit --no-fund
	touch $@

frontend-build: frontend-install
	cd $(FRONTEND) && npm run build

check-api: backend-install frontend-install  ## the generated API types match the back end
	$(STOCKLINE) openapi openapi.json
	cd $(FRONTEND) && STOCKLINE_OPENAPI=../openapi.json npm run check:api

test-frontend: frontend-install check-api
	cd $(FRONTEND) && npm run typecheck && npm run lint && npm test
	$(MAKE) test-e2e

test-e2e: frontend-build backend-install
	cd $(FRONTEND) && STOCKLINE_BIN=$(CURDIR)/$(STOCKLINE) npm run e2e
else
frontend-install frontend-build test-frontend:
	@echo "no $(FRONTEND)/package.json: front-end steps skipped"
endif

# `make bench` measures issue 7's figures on 1,000 products x 1,095 days (about 10 min);
# `make bench SIZE=small` (or BENCH_ARGS=--small) runs 100 x 365 in about 3.
BENCH_ARGS ?= $(if $(filter small,$(SIZE)),--small,)
bench: backend-install frontend-build  ## benchmark suite: prints one table, writes bench/results/
	@# Start-up is measured: run from bytecode, as an installed package does (uv does not compile).
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib src >/dev/null
	$(BIN)/python -m bench $(BENCH_ARGS)

lock:  ## re-resolve dependencies after editing pyproject.toml
	$(UV) lock
	$(UV) export -q --format requirements-txt --no-emit-project --all-groups --no-header -o requirements.lock

clean:
	rm -rf $(VENV) $(FRONTEND)/node_modules $(FRONTEND)/dist openapi.json
