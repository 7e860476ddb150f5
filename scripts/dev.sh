#!/usr/bin/env bash
# Quick start 1: set up and run the service on the embedded default.
# SQLite and the media folder live under var/ (DATA_DIR); the fake WeChat server runs on
# 127.0.0.1:9100 and the API on http://127.0.0.1:5000 (docs at /api/v1/docs).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh requirements.txt
export FLASK_APP=server
port="${PORT:-5000}"
# Local media links point at this server.
export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://127.0.0.1:$port}"
flask() { .venv/bin/flask "$@"; }

flask db upgrade
flask setup demo
# The demo water points near 符离中心小学 and their visit plan (once; a separate step so the
# tests' demo district stays without them).
flask water-points demo

flask wechat fake-server &
fake_pid=$!
# The job worker: pushes, escalations, the photo sweep, scheduled reminders (Huey on SQLite).
.venv/bin/huey_consumer server.worker.huey -k thread -w 2 -q &
worker_pid=$!
trap 'kill "$fake_pid" "$worker_pid" 2>/dev/null || true' EXIT INT TERM

cat <<MSG

  The service is starting on http://127.0.0.1:$port
  - API docs:        http://127.0.0.1:$port/api/v1/docs
  - Log in as a demo person (in another terminal):
        .venv/bin/flask --app server demo login-code school_admin
    then POST the printed code to /api/v1/auth/login (the command prints the curl line).
  - WeChat DevTools: .venv/bin/flask --app server demo use teacher
    makes DevTools' own wx.login codes log in as that person.

MSG
flask run --host 127.0.0.1 --port "$port"
