#!/usr/bin/env bash
# Quick start 2: set up and run every test: lint, the Python suite (SQLite, and PostgreSQL at
# 127.0.0.1:5432 where it answers; S3 tests against SeaweedFS started by the suite), then the
# mini-program's lint and jest tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh requirements-dev.txt

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

echo "== pytest"
.venv/bin/python -m pytest "$@"

echo "== mini-program"
cd miniprogram
npm ci --no-audit --no-fund --loglevel=error
npm run ci
