"""Checks on the project as a whole: demo data, API schema, translations, production settings."""

import os
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.db import models

ROOT = Path(__file__).resolve().parent.parent


def _counts() -> dict[str, int]:
    from django.apps import apps

    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label
        in {"accounts", "producers", "pickup", "orders", "gardens", "subscriptions", "payments"}
        and issubclass(m, models.Model)
    }


@pytest.mark.django_db
def test_seed_demo_twice_gives_the_same_counts():
    call_command("seed_demo", verbosity=0)
    first = _counts()
    call_command("seed_demo", verbosity=0)
    assert _counts() == first
    assert first["producers.Producer"] >= 6
    assert first["pickup.PickupPoint"] == 4
    assert first["gardens.Plot"] >= 12
    from accounts.models import User

    for local in ("foyer", "ferme", "hote", "jardin", "coordination", "admin"):
        assert User.objects.get(email=f"{local}@demo.circuit-court.fr").check_password(
            "demo-circuit-court"
        )
    # the demo farm sells something by weight (its weighing page has lines once a sale closes)

    farm = User.objects.get(email="ferme@demo.circuit-court.fr").producers.get()
    assert farm.products.filter(sold_by_weight=True).exists()


def test_openapi_schema_generates_without_warnings_and_is_committed(tmp_path):
    out = tmp_path / "openapi.yaml"
    call_command("spectacular", "--lang", "en", "--validate", "--fail-on-warn", "--file", str(out))
    # Integer bounds come from the field classes, not the connection: the same on every database.
    committed = ROOT / "docs" / "openapi.yaml"
    assert committed.read_text() == out.read_text(), "docs/openapi.yaml is stale: run `make schema`"


def test_french_catalogue_is_complete_and_compiled():
    po = polib.pofile(str(ROOT / "locale/fr/LC_MESSAGES/django.po"))
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert missing == [], "untranslated strings: run `make messages` and translate them"
    mo = polib.mofile(str(ROOT / "locale/fr/LC_MESSAGES/django.mo"))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo}
    for entry in po.translated_entries():
        assert compiled.get((entry.msgctxt, entry.msgid)) == (entry.msgstr, entry.msgstr_plural), (
            f"django.mo is stale for {entry.msgid!r}: run `make messages`"
        )


def test_production_mode_passes_check_deploy():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_ENV": "production",
        "SECRET_KEY": "k3y-" + "x9Qz!" * 12,
        "ALLOWED_HOSTS": "circuit-court.example",
        "STRIPE_SECRET_KEY": "sk_live_placeholder",
        "STRIPE_PUBLISHABLE_KEY": "pk_live_placeholder",
        "STRIPE_WEBHOOK_SECRET": "whsec_placeholder",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "DJANGO_ENV": "production", "SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr
