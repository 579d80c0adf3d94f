"""Settings for benchmarks: the app's own, plus a bench-only URLconf and no API throttling
(a load test from one address would otherwise measure the throttle)."""

from config.settings import *  # noqa: F403
from config.settings import REST_FRAMEWORK

ROOT_URLCONF = "bench.urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
