# Production image: the app, migrated and seeded on start (see docker-compose.yml, where
# several replicas start at once: PostgreSQL advisory locks make the migration and the
# seed run once, the other replicas wait and find nothing to do).
#
# Two stages. The builder installs the locked dependencies (requirements.lock: exact
# versions and PyPI's hashes, `make lock` regenerates it) into a virtualenv with
# --require-hashes, so a changed or substituted file fails the build; then the project
# itself, --no-deps. The final stage gets only that virtualenv and the sources, runs as
# a user of its own, and has no compiler, pip cache or build files.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS builder
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
COPY requirements.lock /tmp/requirements.lock
RUN /opt/venv/bin/pip install --require-hashes -r /tmp/requirements.lock
# Installed in place at /app, as the final stage lays it out: the migrations are read
# from beside the sources (persistence/migrations.py), not from site-packages.
WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
RUN /opt/venv/bin/pip install --no-deps -e .

FROM ${PYTHON_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/opt/venv/bin:$PATH
RUN useradd --system --uid 10001 --no-create-home casino
COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
# Owned by root, read-only to the app.
COPY pyproject.toml README.md alembic.ini ./
COPY src ./src
COPY migrations ./migrations
USER casino

# Production unless told otherwise: it refuses development or weak secrets (set
# JWT_SECRET, WEBHOOK_SECRET, RECEIPT_SECRET; see docker-compose.yml).
ENV APP_ENV=production HOST=0.0.0.0 PORT=8000
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health').status != 200)"
# `exec`: the server replaces the shell as PID 1, so `docker stop`'s SIGTERM reaches it
# and it closes its WebSockets with a reason before it exits.
CMD ["sh", "-c", "casino-club migrate && casino-club seed && exec casino-club serve"]
