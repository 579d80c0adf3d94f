"""Production mode really serves pages: static files collected with the manifest storage into a
temporary STATIC_ROOT, a migrated and seeded database, then gunicorn (its gunicorn.conf.py,
DEBUG off, whitenoise) on 127.0.0.1, reached as the HTTPS proxy in front of it would."""

import http.client
import json
import mimetypes
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROXY = {"X-Forwarded-Proto": "https"}  # what the TLS proxy adds (SECURE_PROXY_SSL_HEADER)
HASHED = re.compile(r"\.[0-9a-f]{12}\.\w+$")  # name.<md5 prefix>.ext from the manifest storage


def production_env(root: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "STRIPE_", "CELERY_", "GUNICORN_"))
        and k not in {"DATABASE_URL", "DEBUG", "ALLOWED_HOSTS", "SECRET_KEY", "VAR_DIR"}
    }
    return {
        **env,
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "STRIPE_SECRET_KEY": "sk_test_production_mode",
        "STRIPE_PUBLISHABLE_KEY": "pk_test_production_mode",
        "STRIPE_WEBHOOK_SECRET": "whsec_production_mode",
        "VAR_DIR": str(root / "var"),
        "STATIC_ROOT": str(root / "static"),
        "DATABASE_URL": f"sqlite:///{root / 'db.sqlite3'}",
        **extra,
    }


def manage(*args: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(process: subprocess.Popen, what: str) -> None:
    # A guard against a hang, not a speed check: migrate and collectstatic (brotli) share two
    # cores and take minutes on a busy machine.
    output, _ = process.communicate(timeout=600)
    assert process.returncode == 0, f"{what} failed:\n{output}"


def get(port: int, path: str, headers: dict[str, str] | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={**PROXY, **(headers or {})})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("production")
    env = production_env(root)
    # Static files and the database are independent: build them side by side.
    collect = manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
    migrate = manage("migrate", "--noinput", "--verbosity", "0", env=env)
    finish(migrate, "migrate")
    seed = manage("seed_demo", "--verbosity", "0", env=env)
    finish(collect, "collectstatic")
    finish(seed, "seed_demo")
    assert (root / "static" / "staticfiles.json").exists()

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = root / "gunicorn.log"
    # No command-line options: gunicorn reads ./gunicorn.conf.py, as a deployment would.
    with log.open("wb") as out:
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn"],
            cwd=ROOT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert gunicorn.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        yield port
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)


class Assets(HTMLParser):
    """What a page makes the browser fetch: scripts, stylesheets and icons, images, and the
    Leaflet files its map script loads (named in the map's data)."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self._in_map_data = False

    def handle_data(self, data):
        if self._in_map_data:
            leaflet = json.loads(data)["leaflet"]
            self.urls += [leaflet["js"], leaflet["css"]]
            self._in_map_data = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._in_map_data = tag == "script" and attrs.get("id") == "map-data"
        if tag in {"script", "img"} and attrs.get("src"):
            self.urls.append(attrs["src"])
        elif tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])


def assets_of(html: bytes) -> list[str]:
    parser = Assets()
    parser.feed(html.decode())
    return parser.urls


CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def expected_type(path: str) -> str:
    if path.startswith("/api/docs/"):  # Swagger UI's set-up script, served beside the page
        return "application/javascript"
    return mimetypes.guess_type(path)[0]


def page_paths(port: int) -> list[str]:
    status, _, search = get(port, "/points-relais/?q=59000")
    assert status == 200
    points = re.findall(r'href="(/points-relais/[a-z0-9-]+/)"', search.decode())
    assert points, "the seeded demo has pickup points near 59000"
    return ["/", points[0], "/api/docs/"]


def test_pages_and_every_static_file_they_link_are_served(server):
    checked: dict[str, tuple[int, str]] = {}
    queue: list[str] = []
    for path in page_paths(server):
        status, headers, body = get(server, path)
        assert status == 200, (path, body[:500])
        assert headers["Content-Type"].startswith("text/html")
        assert "Strict-Transport-Security" in headers  # production security settings are on
        csp = headers["Content-Security-Policy"]
        assert re.search(r"(^|; )script-src 'self' https://js\.stripe\.com(;|$)", csp), csp
        links = [u for u in assets_of(body) if not urlsplit(u).netloc]
        assert links, f"{path} links no static file"
        queue += [urljoin(path, u) for u in links]

    while queue:
        url = queue.pop()
        if url in checked:
            continue
        status, headers, body = get(server, url)
        content_type = headers.get("Content-Type", "").split(";")[0]
        checked[url] = (status, content_type)
        if url.startswith("/static/"):
            assert HASHED.search(urlsplit(url).path), f"{url} is not from the manifest"
            assert "immutable" in headers.get("Cache-Control", ""), f"{url} not from whitenoise"
        if content_type == "text/css":
            queue += [
                urljoin(url, u) for u in CSS_URL.findall(body.decode()) if not u.startswith("data:")
            ]

    wrong = {
        url: got for url, got in checked.items() if got != (200, expected_type(urlsplit(url).path))
    }
    assert wrong == {}
    assert any("leaflet" in url for url in checked)
    assert any("swagger-ui-bundle" in url for url in checked)
    assert any(url.endswith(".png") for url in checked)  # Leaflet's images, from its CSS


def test_the_photos_of_the_demo_are_served_and_kept_a_year(server):
    status, _headers, body = get(server, "/fermes/jardins-de-la-deule/")
    assert status == 200
    sources = re.findall(r'<source type="image/webp" srcset="([^"]+)"', body.decode())
    assert sources, "the demo farm has a photo"
    url = sources[0].split(", ")[-1].split()[0]  # the widest rendition
    status, headers, image = get(server, url)
    assert status == 200 and headers["Content-Type"] == "image/webp" and image[:4] == b"RIFF"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert get(server, "/media/invoices/anything.pdf")[0] == 404  # only photos are public


def test_plain_http_is_redirected_to_https(server):
    connection = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
    connection.request("GET", "/")
    response = connection.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == f"https://127.0.0.1:{server}/"
    connection.close()


def test_errors_show_no_debug_page(server):
    status, _, body = get(server, "/points-relais/nulle-part-au-monde/")
    assert status == 404
    assert b"URLconf" not in body and b"Traceback" not in body


@pytest.mark.parametrize(
    "missing", ["STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET"]
)
def test_production_refuses_to_start_without_a_stripe_value(tmp_path, missing):
    env = production_env(tmp_path)
    del env[missing]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {missing} must be set in production" in result.stderr
