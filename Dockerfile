# The Sluice image: the dashboard built with Node, then the backend and the built dashboard
# on a slim Python, run by an unprivileged user. `make image-test` builds this file
# unchanged (with podman) and starts what it built.
#
# Build arguments:
#   PYTHON_IMAGE, NODE_IMAGE  the base images (the official ones by default)
#   PIP_CERT, NPM_CONFIG_CAFILE  a CA bundle for pip's and npm's downloads, for builds
#       behind a TLS-inspecting proxy (pass the file with a build mount); unset by default

ARG PYTHON_IMAGE=python:3.11-slim-bookworm
ARG NODE_IMAGE=node:20-bookworm-slim

# -- the dashboard -------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS dashboard
ARG NPM_CONFIG_CAFILE
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# -- the backend, installed (not editable, no dev extras) into a virtual environment --------
FROM ${PYTHON_IMAGE} AS backend
ARG PIP_CERT
ENV PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src/backend
COPY backend/pyproject.toml ./
# The dependencies get a layer of their own: a change to the code does not fetch them again.
RUN python3 -m venv /opt/sluice/venv \
 && python3 -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt \
 && /opt/sluice/venv/bin/pip install --no-cache-dir --requirement requirements.txt
COPY backend/sluice ./sluice
# setuptools came with the virtual environment and nothing at run time needs it.
RUN /opt/sluice/venv/bin/pip install --no-cache-dir --no-deps . \
 && /opt/sluice/venv/bin/pip uninstall --yes setuptools

# -- the runtime -----------------------------------------------------------------------------
FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="Sluice" \
      org.opencontainers.image.description="Turn SQL into secure, fast, documented HTTP APIs"
# DATA_DIR holds what a local-mode instance keeps (the SQLite store, the generated secret
# key) and the workers' shared metrics: the one place the user writes, so the rest of the
# file system may be mounted read-only.
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin sluice \
 && mkdir -p /app/data \
 && chown 10001:10001 /app/data
COPY --from=backend /opt/sluice/venv /opt/sluice/venv
COPY --from=dashboard /src/frontend/dist /opt/sluice/dashboard
ENV PATH=/opt/sluice/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UI_DIST_DIR=/opt/sluice/dashboard \
    DATA_DIR=/app/data \
    HOST=0.0.0.0 \
    PORT=8000
WORKDIR /app
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=3 \
  CMD ["python3", "-c", "import os, urllib.request as r; r.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '8000') + '/health/ready', timeout=4)"]
# `sluice serve` by default (WEB_CONCURRENCY sets its workers); any other command of the
# CLI runs in its place, e.g. `migrate` or `demo --source NAME=URL`.
ENTRYPOINT ["sluice"]
CMD ["serve"]
