"""The database settings, from DATABASE_URL or the embedded SQLite file."""

from pathlib import Path
from typing import Any

import dj_database_url

SQLITE_ENGINE = "django.db.backends.sqlite3"
# Writers wait for each other (IMMEDIATE + timeout) instead of failing with "database is
# locked"; WAL lets readers go on while one writes. Every SQLite database needs them, however
# it is configured: a deferred transaction that reads then writes fails at once under load.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


def database_settings(*, url: str, default_sqlite_path: Path, conn_max_age: int) -> dict[str, Any]:
    """The `default` database: `url` when given (dj-database-url), else the SQLite file.

    Any SQLite database gets SQLITE_OPTIONS; options given in the URL's query win.
    """
    if url:
        config = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    else:
        config = {"ENGINE": SQLITE_ENGINE, "NAME": default_sqlite_path}
    if config["ENGINE"] == SQLITE_ENGINE:
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
    return config
