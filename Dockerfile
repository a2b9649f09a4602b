# Otklik: one image for `otklik serve` and `otklik worker`.
# Production uses external PostgreSQL and Redis (DATABASE_URL, REDIS_URL).

FROM python:3.11-slim-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
COPY tasks ./tasks
COPY migrations ./migrations
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir --upgrade pip \
    && /opt/venv/bin/pip install --no-cache-dir .

FROM python:3.11-slim-bookworm AS runtime
# WeasyPrint's system libraries and a Cyrillic font for the PDF reports; OpenSSL with its
# GOST engine for reports signed with GOST R 34.10-2012 (docs/signature.md).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
        libffi8 shared-mime-info fonts-dejavu-core openssl libengine-gost-openssl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --uid 10001 otklik
COPY --from=build /opt/venv /opt/venv
WORKDIR /srv/otklik
COPY --chown=otklik:otklik templates ./templates
COPY --chown=otklik:otklik static ./static
COPY --chown=otklik:otklik migrations ./migrations
ENV PATH="/opt/venv/bin:$PATH" \
    OTKLIK_ENV=prod \
    OTKLIK_VAR_DIR=/srv/otklik/var \
    HOST=0.0.0.0 \
    PORT=8000 \
    PYTHONUNBUFFERED=1
RUN mkdir -p /srv/otklik/var && chown otklik:otklik /srv/otklik/var
USER otklik
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')" || exit 1
CMD ["otklik", "serve"]
