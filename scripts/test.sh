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

echo "== browser"
# The web console's browser tests drive Debian's Chromium (never a downloaded build), with the CJK
# fonts Chinese needs. Installed here when missing and we are root (CI); otherwise say so: the
# tests then skip with that reason.
if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null \
      || echo "apt-get could not install chromium fonts-noto-cjk: the browser tests will be skipped"
  else
    echo "chromium or fonts-noto-cjk missing and not root: run apt-get install -y chromium fonts-noto-cjk; the browser tests will be skipped"
  fi
fi

echo "== pytest"
.venv/bin/python -m pytest "$@"

echo "== mini-program"
cd miniprogram
npm ci --no-audit --no-fund --loglevel=error
npm run ci
