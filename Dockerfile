# Image for the API and its CLI (used by deploy/compose.yaml).
FROM python:3.11-slim
WORKDIR /app
# pg_dump/pg_restore for `flask backup`: Debian's client, as new as the compose database or newer.
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY server server
COPY storage storage
COPY migrations migrations
COPY deploy deploy
RUN useradd --system safety
USER safety
ENV APP_ENV=production FLASK_APP=server
