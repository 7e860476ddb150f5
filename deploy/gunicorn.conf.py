"""gunicorn settings for production (``gunicorn -c deploy/gunicorn.conf.py 'server:create_app()'``).

Threaded workers (``GUNICORN_THREADS`` > 1 makes gunicorn use its gthread worker) suit this
service: requests are short (JSON, presigned URLs) and the slow parts (pushes, escalations) run
in the job workers, not in requests. A gthread worker's heartbeat does not wait for its
requests, so ``timeout`` restarts a hung process, not a slow request.

Logs: gunicorn's access and error lines and the app's own go through one handler on stderr,
one JSON object per line with ``LOG_FORMAT=json`` (production's default), each with the
request's id (``server/logs.py``); journald or the container runtime collects stderr.
"""

import multiprocessing
import sys
from pathlib import Path

# The code tree (this file's parent's parent) must be importable for the logging config below,
# whatever directory gunicorn was started from.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server.config import env_int, env_str, log_settings
from server.logs import logging_dict

# Blank values mean the default, as for every setting (deploy/.env.example lists them blank).
bind = env_str("GUNICORN_BIND", "127.0.0.1:8000")
workers = env_int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1, minimum=1)
threads = env_int("GUNICORN_THREADS", 2, minimum=1)
timeout = 30
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow for weeks.
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
errorlog = "-"
# The combined format plus the request's duration; the JSON lines carry every atom as a field.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
_log = log_settings(env_str("APP_ENV", "development") == "production")
logconfig_dict = logging_dict(_log["LOG_FORMAT"], _log["LOG_LEVEL"])
forwarded_allow_ips = env_str("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Nothing here uses gunicorn's runtime control socket; the systemd unit's ProtectHome would
# refuse its default path in the service user's home anyway.
control_socket_disable = True
