"""Migration 0003 turns the clear keys of DRF's authtoken table into ApiToken digests, so the
clients holding them keep working, and leaves no clear key behind."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("accounts", "0002_api_tokens")]
AFTER = [("accounts", "0003_replace_drf_tokens_by_their_digests")]
LEGACY_KEY = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"  # the shape of a DRF key
CREATED = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _create_legacy_table():
    """authtoken_token as DRF's authtoken app made it (the app is no longer installed)."""
    created_type = "timestamp with time zone" if connection.vendor == "postgresql" else "datetime"
    with connection.cursor() as cursor:
        cursor.execute(
            'CREATE TABLE authtoken_token ("key" varchar(40) PRIMARY KEY, '
            f"created {created_type} NOT NULL, user_id bigint NOT NULL UNIQUE)"
        )


def _drop_legacy_table():
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS authtoken_token")


def test_drf_tokens_become_digests_and_keep_working(api_client):
    user = UserFactory()
    _create_legacy_table()
    try:
        _migrate(BEFORE)
        created = CREATED if connection.vendor == "postgresql" else CREATED.replace(tzinfo=None)
        with connection.cursor() as cursor:
            cursor.execute(
                'INSERT INTO authtoken_token ("key", created, user_id) VALUES (%s, %s, %s)',
                [LEGACY_KEY, created, user.pk],
            )
        before = timezone.now()
        _migrate(AFTER)

        from accounts.models import ApiToken

        token = ApiToken.objects.get()
        assert token.user_id == user.pk
        assert token.digest == hashlib.sha256(LEGACY_KEY.encode()).hexdigest()
        assert token.created_at == CREATED
        assert token.expires_at >= before + timedelta(days=30)
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM authtoken_token")
            assert cursor.fetchone()[0] == 0
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())  # the models' schema
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {LEGACY_KEY}")
        assert api_client.get("/api/v1/auth/tokens/").status_code == 200
    finally:
        _drop_legacy_table()
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_without_the_drf_table_the_migration_does_nothing():
    _migrate(BEFORE)
    try:
        _migrate(AFTER)
        from accounts.models import ApiToken

        assert not ApiToken.objects.exists()
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
