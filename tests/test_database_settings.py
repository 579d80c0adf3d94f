"""Every SQLite database gets the embedded mode's options (IMMEDIATE transactions, a busy
timeout, WAL), whether it is the default file or reached through DATABASE_URL=sqlite:///…"""

import json
import os
import subprocess
import sys
from pathlib import Path

from config.database import SQLITE_OPTIONS, database_settings

ROOT = Path(__file__).resolve().parent.parent


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
    return {**env, **extra}


def test_the_default_file_gets_the_sqlite_options(tmp_path):
    config = database_settings(url="", default_sqlite_path=tmp_path / "db.sqlite3", conn_max_age=0)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["OPTIONS"] == SQLITE_OPTIONS


def test_a_sqlite_url_gets_the_same_options(tmp_path):
    config = database_settings(
        url=f"sqlite:///{tmp_path}/db.sqlite3", default_sqlite_path=tmp_path, conn_max_age=60
    )
    assert config["NAME"] == f"{tmp_path}/db.sqlite3"
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert config["OPTIONS"]["timeout"] == 20
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_options_in_the_url_win_over_the_defaults(tmp_path):
    config = database_settings(
        url=f"sqlite:///{tmp_path}/db.sqlite3?timeout=5",
        default_sqlite_path=tmp_path,
        conn_max_age=0,
    )
    assert config["OPTIONS"]["timeout"] == 5
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_postgres_gets_no_sqlite_options():
    config = database_settings(
        url="postgres://u@127.0.0.1:5432/db", default_sqlite_path=Path("x"), conn_max_age=60
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert "transaction_mode" not in config.get("OPTIONS", {})


def test_the_settings_module_composes_them_from_a_sqlite_url(tmp_path):
    url = f"sqlite:///{tmp_path}/db.sqlite3"
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_env(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings", VAR_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == SQLITE_OPTIONS


# Twelve buyers at once, each reading then writing in one transaction (as placing an order
# does). In a deferred transaction two readers cannot both upgrade to writers and SQLite answers
# "database is locked" at once; with IMMEDIATE they queue behind the busy timeout.
BUYERS_SCRIPT = """
import threading, time, django
django.setup()
from django.db import connection, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE stock (id INTEGER PRIMARY KEY, sold INTEGER NOT NULL)")
    cursor.execute("INSERT INTO stock (id, sold) VALUES (1, 0)")
connection.close()

barrier = threading.Barrier(12)
errors = []

def buy():
    try:
        barrier.wait()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT sold FROM stock WHERE id = 1")
            sold = cursor.fetchone()[0]
            time.sleep(0.02)
            cursor.execute("UPDATE stock SET sold = %s WHERE id = 1", [sold + 1])
    except Exception as exc:
        errors.append(repr(exc))
    finally:
        connection.close()

threads = [threading.Thread(target=buy) for _ in range(12)]
for t in threads: t.start()
for t in threads: t.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT sold FROM stock WHERE id = 1")
    print("sold", cursor.fetchone()[0], "errors", errors)
"""


def test_twelve_concurrent_writers_on_a_sqlite_url_all_succeed(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", BUYERS_SCRIPT],
        cwd=ROOT,
        env=_env(
            DATABASE_URL=f"sqlite:///{tmp_path}/buyers.sqlite3",
            DJANGO_SETTINGS_MODULE="config.settings",
            VAR_DIR=str(tmp_path / "var"),
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "sold 12 errors []"
