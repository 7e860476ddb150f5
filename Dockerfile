# Image for the API and its CLI (used by deploy/compose.yaml).
FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY server server
COPY storage storage
COPY migrations migrations
COPY deploy deploy
RUN useradd --system safety
USER safety
ENV APP_ENV=production FLASK_APP=server
