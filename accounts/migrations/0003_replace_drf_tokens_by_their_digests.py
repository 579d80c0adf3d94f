"""Carry the tokens of DRF's authtoken (one per person, stored in clear) over to ApiToken.

Each key becomes the digest of an ApiToken of the same person, valid API_TOKEN_TTL_DAYS from
now, so clients keep working; then the clear keys are deleted. The authtoken app is no longer
installed, so its table (left empty) is read with SQL, and only where it exists.
"""

import hashlib
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone
from django.utils.dateparse import parse_datetime

LEGACY_TABLE = "authtoken_token"


def _aware(value) -> datetime:
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is None:
        return timezone.now()
    return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)


def hash_legacy_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if LEGACY_TABLE not in connection.introspection.table_names():
        return
    table = schema_editor.quote_name(LEGACY_TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {schema_editor.quote_name('key')}, user_id, created FROM {table}")
        rows = cursor.fetchall()
    ApiToken = apps.get_model("accounts", "ApiToken")
    expires_at = timezone.now() + timedelta(days=getattr(settings, "API_TOKEN_TTL_DAYS", 30))
    ApiToken.objects.bulk_create(
        ApiToken(
            user_id=user_id,
            digest=hashlib.sha256(key.encode()).hexdigest(),
            created_at=_aware(created),
            expires_at=expires_at,
        )
        for key, user_id, created in rows
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_api_tokens")]

    # Going back leaves the tokens as they are: the clear keys cannot be restored.
    operations = [migrations.RunPython(hash_legacy_tokens, migrations.RunPython.noop)]
