# Production image: the app, migrated on start (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md alembic.ini ./
COPY src ./src
COPY migrations ./migrations
RUN pip install -e . && useradd --system --uid 10001 casino && chown -R casino /app
USER casino

# Production unless told otherwise: it refuses development or weak secrets (set
# JWT_SECRET, WEBHOOK_SECRET, RECEIPT_SECRET; see docker-compose.yml).
ENV APP_ENV=production HOST=0.0.0.0 PORT=8000
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health').status != 200)"
CMD ["sh", "-c", "casino-club migrate && casino-club seed && casino-club serve"]
