"""gunicorn's settings, read by default when gunicorn starts in the project folder:
`gunicorn` alone serves the app. Each value can be set from the environment."""

import os

wsgi_app = "config.wsgi:application"
# Loopback by default: a reverse proxy (TLS, X-Forwarded-Proto) stands in front.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
# A request still running after this many seconds is killed (the worker is restarted), so one
# stuck call to a peer cannot hold a worker for ever; a restart lets requests finish this long.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
accesslog = "-"
