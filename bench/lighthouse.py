"""Lighthouse (mobile defaults) on the shop's pages, in the embedded mode and in production mode.

    npm ci --prefix bench/lighthouse          # once: Lighthouse 12.2.3 (runs on Node 20)
    .venv/bin/python bench/lighthouse.py                      # both modes
    .venv/bin/python bench/lighthouse.py --mode production --require 100

What it does, in one run and on 127.0.0.1 only:

1. a fresh SQLite database in a temporary folder, migrated and seeded with ``seed_demo``;
2. the embedded mode: ``manage.py runserver`` as ``make run`` starts it (DEBUG on); production
   mode: ``collectstatic`` (manifest storage, whitenoise) then gunicorn with ``DJANGO_ENV=production``,
   reached as the TLS proxy in front of it would (``X-Forwarded-Proto: https``);
3. a household of the demo logs in over HTTP (its order page is behind the log-in);
4. Lighthouse audits each page (performance, accessibility, best practices, SEO; Debian's
   Chromium, headless) and the script prints one line per page and mode, then each audit that
   did not score 1. ``--require N`` exits 1 when a score is below N.
"""

from __future__ import annotations

import argparse
import base64
import http.server
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "bench" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
HOUSEHOLD = "famille.martin@demo.circuit-court.fr"
PASSWORD = "demo-circuit-court"
PROXY = {"X-Forwarded-Proto": "https"}
# Map tiles come from OpenStreetMap's servers in real life; here a local server answers each tile
# with one transparent pixel (no network), so the map's requests succeed as they would online.
TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


class TileHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(TILE)))
        self.send_header("Cache-Control", "public, max-age=86400")
        self.end_headers()
        self.wfile.write(TILE)

    def log_message(self, *args):
        pass


def tile_server() -> str:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), TileHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/{{z}}/{{x}}/{{y}}.png"


# The pages a household meets, found in the seeded database.
FIND_PAGES = """
import json
from django.urls import reverse
from django.utils import timezone
from orders.models import Order
from pickup.models import Distribution
from producers.models import Producer

wazemmes = Distribution.objects.filter(
    status="open", pickup_point__name__icontains="Wazemmes", cutoff_at__gt=timezone.now()
).select_related("pickup_point").order_by("starts_at").first()
farm = Producer.objects.order_by("pk").filter(slug="jardins-de-la-deule").first()
order = Order.objects.filter(household__email=%(household)r).order_by("-pk").first()
pages = {
    "home": reverse("frontend:home"),
    "search": reverse("frontend:pickup_search") + "?q=59000",
    "catalogue": reverse(
        "frontend:distribution_catalogue", args=[wazemmes.pickup_point.slug, wazemmes.pk]
    ),
    "order": reverse("frontend:orders:detail", args=[order.pk]),
}
try:
    pages["farm"] = reverse("frontend:farm", args=[farm.slug])
except Exception:
    pass
print(json.dumps(pages))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(*args: str, env: dict[str, str], capture: bool = False) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
    )
    return result.stdout or ""


def base_env(folder: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "STRIPE_", "CELERY_", "GUNICORN_"))
        and k not in {"DATABASE_URL", "DEBUG", "ALLOWED_HOSTS", "SECRET_KEY", "VAR_DIR"}
    }
    return {**env, "VAR_DIR": str(folder / "var"), "MAP_TILE_URL": tile_server()}


def production_env(folder: Path, env: dict[str, str]) -> dict[str, str]:
    return {
        **env,
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "STRIPE_SECRET_KEY": "sk_test_lighthouse",
        "STRIPE_PUBLISHABLE_KEY": "pk_test_lighthouse",
        "STRIPE_WEBHOOK_SECRET": "whsec_lighthouse",
        "STATIC_ROOT": str(folder / "static"),
        "DATABASE_URL": f"sqlite:///{folder / 'var' / 'db.sqlite3'}",
        # The TLS proxy in front redirects http to https; gunicorn is reached as that proxy.
        "SECURE_SSL_REDIRECT": "false",
    }


def wait_for(url: str, headers: dict[str, str], process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server did not start ({url})") from None
            time.sleep(0.3)


def log_in(base: str, headers: dict[str, str]) -> str:
    """The session cookie of the demo household, logged in through the real log-in page.

    Cookies are kept by hand: in production they are Secure, which a cookie jar keeps for
    https only, and the CSRF check wants an https Referer behind the proxy header."""
    cookies: dict[str, str] = {}

    def send(path: str, data: bytes | None = None):
        scheme = "https" if headers.get("X-Forwarded-Proto") == "https" else "http"
        request = urllib.request.Request(
            f"{base}{path}",
            data=data,
            headers={
                **headers,
                "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
                "Referer": f"{scheme}://{base.split('://', 1)[1]}{path}",
            },
        )
        opener = urllib.request.build_opener(NoRedirect)
        try:
            response = opener.open(request)
        except urllib.error.HTTPError as exc:
            if exc.code not in (301, 302, 303):
                raise
            response = exc
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            cookies[name.strip()] = rest.split(";", 1)[0]
        return response.read().decode()

    page = send("/compte/connexion/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": HOUSEHOLD, "password": PASSWORD}
    ).encode()
    send("/compte/connexion/", body)
    if "sessionid" not in cookies:
        raise SystemExit("the demo household could not log in")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def audit(url: str, headers: dict[str, str], out: Path) -> dict:
    extra = out.with_suffix(".headers.json")
    extra.write_text(json.dumps(headers))
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        f"--extra-headers={extra}",
    ]
    chrome = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    # On a busy machine Chromium sometimes loses the trace (NO_NAVSTART): try again.
    for attempt in range(3):
        done = subprocess.run(command, env=chrome, stdout=subprocess.DEVNULL, check=False)
        if done.returncode == 0:
            break
        print(f"lighthouse failed on {url} (attempt {attempt + 1}), again", flush=True)
    else:
        raise SystemExit(f"lighthouse failed three times on {url}")
    return json.loads(out.read_text())


def failing_audits(report: dict) -> list[str]:
    lines = []
    for key in CATEGORIES:
        for ref in report["categories"][key]["auditRefs"]:
            result = report["audits"][ref["id"]]
            if ref["weight"] and result["score"] is not None and result["score"] < 1:
                value = result.get("displayValue", "")
                lines.append(f"    {key}: {ref['id']} {result['score']:.2f} {value}".rstrip())
    return lines


def run_mode(mode: str, folder: Path, env: dict[str, str], pages: dict[str, str]) -> list:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    if mode == "production":
        command = [
            str(Path(sys.executable).with_name("gunicorn")),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
        ]
        headers = dict(PROXY)
    else:
        command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
        headers = {}
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    rows = []
    try:
        wait_for(f"{base}/", headers, server)
        cookie = log_in(base, headers)
        for name, path in pages.items():
            page_headers = {**headers, **({"Cookie": cookie} if name == "order" else {})}
            report = audit(f"{base}{path}", page_headers, folder / f"{mode}-{name}.json")
            scores = {
                key: round(100 * (report["categories"][key]["score"] or 0)) for key in CATEGORIES
            }
            rows.append((mode, name, path, scores, failing_audits(report)))
            print(
                f"LIGHTHOUSE {mode:<10} {name:<9} "
                + " ".join(f"{key}={scores[key]}" for key in CATEGORIES),
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["embedded", "production", "both"], default="both")
    parser.add_argument("--require", type=int, default=0, help="exit 1 if a score is below this")
    parser.add_argument("--keep", action="store_true", help="keep the reports' folder")
    parser.add_argument("--pages", help="only these pages, e.g. farm,search")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is missing: npm ci --prefix bench/lighthouse")

    folder = Path(tempfile.mkdtemp(prefix="lighthouse-"))
    (folder / "var").mkdir()
    env = base_env(folder)
    embedded = {**env, "DATABASE_URL": f"sqlite:///{folder / 'var' / 'db.sqlite3'}"}
    manage("migrate", "--noinput", env=embedded)
    manage("seed_demo", env=embedded)
    found = manage("shell", "-c", FIND_PAGES % {"household": HOUSEHOLD}, env=embedded, capture=True)
    pages = json.loads(found.strip().splitlines()[-1])  # the shell may print a banner first
    if args.pages:
        pages = {name: path for name, path in pages.items() if name in args.pages.split(",")}
    rows = []
    if args.mode in {"embedded", "both"}:
        rows += run_mode("embedded", folder, embedded, pages)
    if args.mode in {"production", "both"}:
        production = production_env(folder, env)
        manage("collectstatic", "--noinput", "--verbosity", "0", env=production)
        rows += run_mode("production", folder, production, pages)

    lowest = min(min(scores.values()) for *_, scores, _ in rows)
    for mode, name, path, _scores, failing in rows:
        if failing:
            print(f"{mode} {name} ({path}):")
            print("\n".join(failing))
    print(f"LIGHTHOUSE lowest score: {lowest} over {len(rows)} audits")
    if args.keep:
        print(f"reports in {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)
    return 1 if lowest < args.require else 0


if __name__ == "__main__":
    sys.exit(main())
