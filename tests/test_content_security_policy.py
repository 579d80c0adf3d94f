"""Every page carries a Content-Security-Policy that forbids inline script and lets in only the
peers the pages use (map tiles, Stripe.js and Stripe's API); no template has an inline script.
The crawl of every page for every demo role (tests/test_smoke.py) checks the header with
`assert_strict`; here, the pages it does not reach and the policy itself."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from config.csp import content_security_policy, origin

ROOT = Path(__file__).resolve().parent.parent
HEADER = "Content-Security-Policy"


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def assert_strict(header: str | None, where: str) -> None:
    assert header, f"no {HEADER} on {where}"
    policy = directives(header)
    assert "'unsafe-inline'" not in policy["script-src"], where
    assert "'unsafe-eval'" not in policy["script-src"], where
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'self'"], where


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/docs/", "/api/docs/?script=", "/api/schema/", "/admin/login/", "/healthz"]
)
def test_other_pages_and_answers_carry_it_too(path):
    response = Client().get(path)
    assert response.status_code == 200
    assert_strict(response.get(HEADER), path)


@pytest.mark.django_db
def test_error_pages_carry_it():
    response = Client().get("/points-relais/nulle-part-au-monde/")
    assert response.status_code == 404
    assert_strict(response.get(HEADER), "a 404")


@pytest.mark.django_db
def test_the_api_docs_inline_style_has_the_nonce_of_the_header():
    response = Client().get("/api/docs/")
    nonce = re.search(r"'nonce-([^']+)'", response[HEADER]).group(1)
    assert f'<style nonce="{nonce}">' in response.content.decode()
    assert "<script>" not in response.content.decode()


def test_the_policy_names_the_embedded_peers():
    policy = content_security_policy(
        map_tile_url="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        stripe_js_url="http://127.0.0.1:8420/js.stripe.com/v3/",
        stripe_api_base="http://127.0.0.1:8420",
    )["DIRECTIVES"]
    assert policy["script-src"] == ["'self'", "http://127.0.0.1:8420"]
    assert policy["connect-src"] == ["'self'", "http://127.0.0.1:8420"]
    assert policy["frame-src"] == ["http://127.0.0.1:8420"]
    assert "https://tile.openstreetmap.org" in policy["img-src"]


def test_the_policy_names_stripe_in_production():
    policy = content_security_policy(
        map_tile_url="https://{s}.tiles.example.org/{z}/{x}/{y}.png",
        stripe_js_url="https://js.stripe.com/v3/",
        stripe_api_base="",
        report_uri="https://reports.example.org/csp",
    )["DIRECTIVES"]
    assert policy["script-src"] == ["'self'", "https://js.stripe.com"]
    assert policy["connect-src"] == ["'self'", "https://js.stripe.com", "https://api.stripe.com"]
    assert policy["frame-src"] == ["https://js.stripe.com", "https://hooks.stripe.com"]
    assert "https://*.tiles.example.org" in policy["img-src"]
    assert policy["report-uri"] == ["https://reports.example.org/csp"]


def test_origin():
    assert origin("https://a.example.org:8443/x/y?z") == "https://a.example.org:8443"
    assert origin("/static/x.js") is None


def test_report_only_sends_the_policy_as_a_report_only_header(tmp_path):
    code = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client().get('/healthz'); "
        "print('Content-Security-Policy' in r, r.get('Content-Security-Policy-Report-Only', ''))"
    )
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "VAR_DIR": str(tmp_path),
        "CSP_REPORT_ONLY": "1",
        "CSP_REPORT_URI": "/csp-reports/",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    present, report_only = result.stdout.strip().split(" ", 1)
    assert present == "False"
    assert "script-src 'self'" in report_only and "report-uri /csp-reports/" in report_only


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def test_no_template_has_an_inline_script_or_handler():
    offenders = []
    for template in ROOT.glob("*/templates/**/*.html"):
        text = template.read_text()
        if INLINE_SCRIPT.search(text) or INLINE_HANDLER.search(text):
            offenders.append(str(template.relative_to(ROOT)))
    assert offenders == []
