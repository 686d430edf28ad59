# The two commands of the README: `make run` and `make test`. Every install step lives here.
PYTHON ?= python3.11
VENV := backend/.venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := frontend/node_modules/.installed
PROMTOOL := $(BIN)/promtool
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test install ui client client-check lint typecheck pytest sdk-test doc-tools frontend-check e2e readme-picture hadolint compose-check image-test chromium bench bench-scale soak load wrk clean

# On an empty store, `make run` also loads the demo (LOAD_DEMO) and prints its curl commands.
run: install ui
	LOAD_DEMO=true $(BIN)/sluice serve --host 127.0.0.1 --port 8000

test: install lint typecheck client-check pytest sdk-test frontend-check e2e hadolint compose-check image-test

install: $(STAMP) $(NODE_STAMP)

# The SDK (sdk/python, `sluice-client`) goes into the same environment: its tests drive a
# live `sluice serve`, and `sluice sdk-stubs` writes code that imports it.
$(STAMP): backend/pyproject.toml sdk/python/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e 'backend[dev]' -e sdk/python
	touch $@

$(NODE_STAMP): frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

ui: $(NODE_STAMP)
	cd frontend && npm run build

# Regenerate the dashboard's API client from the backend's OpenAPI document.
client: install
	$(BIN)/python -m sluice.openapi frontend/openapi.json
	cd frontend && npm run generate-client

# The committed OpenAPI document (and so the generated client) must match the backend.
client-check: $(STAMP)
	$(BIN)/python -m sluice.openapi $(VENV)/openapi.current.json
	@cmp -s $(VENV)/openapi.current.json frontend/openapi.json || { \
	  echo "frontend/openapi.json is stale: run 'make client' and commit"; exit 1; }

lint: $(STAMP)
	cd backend && .venv/bin/ruff check . && .venv/bin/ruff format --check .
	cd sdk/python && ../../$(BIN)/ruff check . && ../../$(BIN)/ruff format --check .

typecheck: $(STAMP)
	cd backend && .venv/bin/mypy sluice tests
	cd sdk/python && ../../$(BIN)/mypy

pytest: $(STAMP) $(PROMTOOL) doc-tools
	cd backend && .venv/bin/pytest

# The SDK's tests, against a `sluice serve` they start (about 70 s: one waits for a token
# to expire on the server).
sdk-test: $(STAMP)
	cd sdk/python && ../../$(BIN)/pytest

# promtool checks the example alert rules of docs/OPERATIONS.md (tests/test_docs_runnable.py).
# Only the binary is taken from Debian's prometheus package: no server is installed or run.
$(PROMTOOL): | $(STAMP)
	cd $(VENV) && { apt-get download prometheus 2>/dev/null || { $(SUDO) apt-get update -qq && apt-get download prometheus; }; }
	cd $(VENV) && dpkg-deb --fsys-tarfile prometheus_*.deb | tar -xO ./usr/bin/promtool > bin/promtool
	chmod +x $@ && rm -f $(VENV)/prometheus_*.deb

# The runnable docs' shell blocks use curl, jq and sqlite3.
doc-tools:
	@command -v curl >/dev/null && command -v jq >/dev/null && command -v sqlite3 >/dev/null || \
	  { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq curl jq sqlite3; }

frontend-check: $(NODE_STAMP)
	cd frontend && npm run typecheck && npm run lint

e2e: install chromium ui
	cd frontend && npx playwright test

# The README's picture (docs/images/dashboard.png), taken by the tour journey.
readme-picture: install chromium ui
	cd frontend && README_PICTURE=1 npx playwright test tests/tour.spec.ts

# The Dockerfile's lint.
hadolint: $(STAMP)
	$(BIN)/hadolint Dockerfile

# The Compose files must be valid Compose: `docker compose` is not installed to try them.
compose-check: $(STAMP)
	$(BIN)/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml compose.dev.yml

# The image really built from the unchanged Dockerfile (podman, on base images made from
# Debian packages and cached between runs), then started from its own file system and
# used: health, dashboard, a gateway call. See backend/tests/image/run.sh.
image-test: $(STAMP)
	$(SUDO) backend/tests/image/run.sh

# Speed figures (not part of `make test`): the gateway against a bare baseline, the
# connectors against their raw drivers, the script engine, the overview's charts on a
# million access records. See backend/bench/.
bench: install wrk
	cd backend && .venv/bin/python -m bench.gateway
	cd backend && .venv/bin/python -m bench.connectors --only postgres,mariadb
	cd backend && .venv/bin/python -m bench.scripts
	cd backend && .venv/bin/python -m bench.overview

# Production sizes (not part of `make test`): 10,000 APIs and 5,000 clients, then 10 million
# access records (filled once, about 20 min, and kept in the database sluice_scale_records).
# See backend/bench/scale.py.
bench-scale: install wrk
	cd backend && .venv/bin/python -m bench.scale

# Leak watch (not part of `make test`): ten minutes of mixed load against `sluice serve
# --workers 2`, sampling memory, file descriptors and connections. See backend/bench/soak.py.
soak: install
	cd backend && .venv/bin/python -m bench.soak --minutes 10

# Capacity figures (not part of `make test`): a local `sluice serve` with the demo, and
# locust driving a mixed client workload at it, headless, for LOAD_SECONDS with LOAD_USERS
# users; prints locust's summary. See backend/bench/locustfile.py and bench/load.py.
LOAD_SECONDS ?= 60
LOAD_USERS ?= 20
load: $(STAMP)
	cd backend && .venv/bin/python -m bench.load --seconds $(LOAD_SECONDS) --users $(LOAD_USERS)

wrk:
	@command -v wrk >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq wrk; }

chromium:
	@test -x $(CHROMIUM) || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist
