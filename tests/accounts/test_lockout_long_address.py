"""A log-in attempt with an address longer than django-axes' column is refused, not a crash
(PostgreSQL refuses the row; SQLite would keep it whole)."""

import pytest
from axes.models import AccessAttempt

pytestmark = pytest.mark.django_db

LONG = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 60 + ".com"  # 257 characters


def test_an_api_token_asked_for_a_too_long_address_is_refused(api_client):
    response = api_client.post(
        "/api/v1/auth/token/", {"email": LONG, "password": "x"}, format="json"
    )
    assert response.status_code == 400, response.content[:200]
    assert response.json()["code"] in {"invalid", "invalid_credentials"}
    assert [len(a.username) for a in AccessAttempt.objects.all()] == [255]
