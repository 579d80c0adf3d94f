"""Shared fixtures. Tests that need PostgreSQL, Redis, Chromium or localstripe skip with a reason
when those are not there, so `make test` passes on a fresh machine with nothing but Python."""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from config.celery import app as celery_app
from config.csp import content_security_policy
from tests.payments.fakes import FakeStripe

ARTIFACTS_DIR = Path(
    os.environ.get("TEST_ARTIFACTS_DIR", Path(__file__).parent.parent / "test-artifacts")
)
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# Playwright's sync API runs an event loop in the test thread; the ORM calls around it are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _skip_reasons() -> dict[str, str | None]:
    engine = settings.DATABASES["default"]["ENGINE"]
    broker = settings.CELERY_BROKER_URL
    try:
        import localstripe  # noqa: F401
    except ImportError:
        has_localstripe = False
    else:
        has_localstripe = True
    return {
        "postgres": None if "postgresql" in engine else "needs PostgreSQL (set DATABASE_URL)",
        "live_worker": None
        if broker.startswith("redis://")
        else "needs Redis as the broker (set CELERY_BROKER_URL=redis://...)",
        "browser": None
        if shutil.which(CHROMIUM) or Path(CHROMIUM).exists()
        else f"needs Chromium at {CHROMIUM} (apt-get install chromium)",
        "localstripe": None if has_localstripe else "needs localstripe (pip install -e '.[dev]')",
    }


def pytest_collection_modifyitems(config, items):
    reasons = _skip_reasons()
    for item in items:
        for marker, reason in reasons.items():
            if reason and item.get_closest_marker(marker):
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _celery_eager(request):
    """Tasks run inline in tests, except where a real worker is the point of the test."""
    eager = request.node.get_closest_marker("live_worker") is None
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _empty_cache():
    """Database ids repeat between tests: nothing cached by one test may leak into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path_factory):
    """Documents a test stores (invoice PDFs) go to a directory of the run's own."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS_DIR


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def openapi():
    """The API schema as ``/api/schema/`` serves it (``tests.api.openapi`` walks it)."""
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture
def operator(client, db):
    """The test client, logged in as an operator (a superuser, as in the Django admin)."""
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture(scope="session")
def localstripe_server(tmp_path_factory):
    """A real localstripe on 127.0.0.1 and a free port, from scratch, for the whole session."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    root = Path(__file__).resolve().parents[1]
    process = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "localstripe",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--from-scratch",
            "--state-file",
            str(tmp_path_factory.mktemp("localstripe") / "state.pickle"),
            "--webhook-url",
            "",
            "--connect-webhook-url",
            "",
        ],
        cwd=root,
        env={**os.environ},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(f"{base}/js.stripe.com/v3/", timeout=1).read(1)
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("localstripe did not start") from None
            time.sleep(0.1)
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def localstripe(localstripe_server, settings):
    """Point the app's Stripe client at the session's localstripe."""
    settings.STRIPE_API_BASE = localstripe_server
    settings.STRIPE_JS_URL = f"{localstripe_server}/js.stripe.com/v3/"
    # The pages' policy lets in the Stripe.js they load, wherever it is.
    settings.CONTENT_SECURITY_POLICY = content_security_policy(
        map_tile_url=settings.MAP_TILE_URL,
        stripe_js_url=settings.STRIPE_JS_URL,
        stripe_api_base=settings.STRIPE_API_BASE,
    )
    return localstripe_server


@pytest.fixture
def fake_stripe(monkeypatch):
    """Stripe replaced at the ``payments.gateway`` seam only (a fake that behaves like it)."""
    fake = FakeStripe()
    for name in FakeStripe.SEAM:
        monkeypatch.setattr(f"payments.gateway.{name}", getattr(fake, name))
    return fake
