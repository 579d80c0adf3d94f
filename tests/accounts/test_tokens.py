"""API tokens: several per person, only a digest stored, expiring, listed and revoked by their owner."""

import hashlib
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from accounts.models import ApiToken
from accounts.services import create_token, use_token
from accounts.tasks import delete_expired_tokens_task
from config.celery import app as celery_app
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
TOKENS_URL = "/api/v1/auth/tokens/"
ME_URL = "/api/v1/gardens/me/"  # any endpoint that needs a signed-in person
NOON = datetime(2026, 11, 2, 11, 0, tzinfo=UTC)


def ask_for_token(api_client, email="camille@exemple.fr", **extra):
    return api_client.post(
        TOKEN_URL, {"email": email, "password": PASSWORD, **extra}, format="json"
    )


def with_token(api_client, key):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api_client


@pytest.fixture
def camille():
    return UserFactory(email="camille@exemple.fr")


def test_a_token_is_issued_with_its_expiry_and_only_its_digest_is_stored(api_client, camille):
    with time_machine.travel(NOON, tick=False):
        response = ask_for_token(api_client, name="Téléphone")
    assert response.status_code == 200
    body = response.json()
    key = body["token"]
    assert len(key) == 40 and int(key, 16) >= 0
    assert body["name"] == "Téléphone"
    assert datetime.fromisoformat(body["created_at"]) == NOON
    assert datetime.fromisoformat(body["expires_at"]) == NOON + timedelta(days=30)
    assert body["last_used_at"] is None
    stored = ApiToken.objects.get(pk=body["id"])
    assert stored.user == camille
    assert stored.digest == hashlib.sha256(key.encode()).hexdigest()
    assert not ApiToken.objects.filter(digest=key).exists()
    assert key not in repr(list(ApiToken.objects.values()))


def test_each_request_gives_another_token_and_all_of_them_work(api_client, camille):
    phone = ask_for_token(api_client, name="Téléphone").json()["token"]
    script = ask_for_token(api_client, name="Script").json()["token"]
    assert phone != script
    for key in (phone, script):
        assert with_token(api_client, key).get(ME_URL).status_code == 200
    assert camille.api_tokens.count() == 2


def test_a_stale_token_in_the_header_does_not_stop_asking_for_a_new_one(api_client, camille):
    with_token(api_client, "0" * 40)
    response = ask_for_token(api_client)
    assert response.status_code == 200
    assert with_token(api_client, response.json()["token"]).get(ME_URL).status_code == 200


def test_the_lifetime_comes_from_the_setting(api_client, camille, settings):
    settings.API_TOKEN_TTL_DAYS = 2
    with time_machine.travel(NOON, tick=False):
        body = ask_for_token(api_client).json()
    assert datetime.fromisoformat(body["expires_at"]) == NOON + timedelta(days=2)


def test_an_expired_token_is_refused_with_token_expired(api_client, camille):
    with time_machine.travel(NOON, tick=False):
        key = ask_for_token(api_client).json()["token"]
    expiry = NOON + timedelta(days=30)
    with time_machine.travel(expiry - timedelta(seconds=1), tick=False):
        assert with_token(api_client, key).get(ME_URL).status_code == 200
    with time_machine.travel(expiry, tick=False):
        refused = with_token(api_client, key).get(ME_URL)
    assert refused.status_code == 401
    assert refused.json()["code"] == "token_expired"
    assert refused.json()["message"]
    assert refused["WWW-Authenticate"] == "Token"


def test_an_unknown_token_is_refused_as_before(api_client):
    refused = with_token(api_client, "f" * 40).get(ME_URL)
    assert refused.status_code == 401
    assert refused.json()["code"] == "authentication_failed"


def test_the_token_of_an_inactive_account_is_refused(api_client, camille):
    key = create_token(user=camille).key
    camille.is_active = False
    camille.save(update_fields=["is_active"])
    refused = with_token(api_client, key).get(ME_URL)
    assert refused.status_code == 401
    assert refused.json()["code"] == "authentication_failed"


def test_last_use_is_noted_at_most_once_a_minute(api_client, camille):
    with time_machine.travel(NOON, tick=False):
        key = create_token(user=camille).key
        with_token(api_client, key).get(ME_URL)
    token = ApiToken.objects.get()
    assert token.last_used_at == NOON
    with time_machine.travel(NOON + timedelta(seconds=30), tick=False):
        use_token(key=key)
    token.refresh_from_db()
    assert token.last_used_at == NOON
    with time_machine.travel(NOON + timedelta(minutes=1), tick=False):
        use_token(key=key)
    token.refresh_from_db()
    assert token.last_used_at == NOON + timedelta(minutes=1)


def test_owners_list_their_live_tokens_newest_first_without_secrets(api_client, camille):
    with time_machine.travel(NOON - timedelta(days=40), tick=False):
        create_token(user=camille, name="Ancien")  # expired by noon
    with time_machine.travel(NOON - timedelta(days=2), tick=False):
        older = create_token(user=camille, name="Tablette")
    with time_machine.travel(NOON - timedelta(days=1), tick=False):
        newer = create_token(user=camille, name="Script")
    create_token(user=UserFactory(), name="Pas à moi")
    with time_machine.travel(NOON, tick=False):
        response = with_token(api_client, newer.key).get(TOKENS_URL)
    assert response.status_code == 200
    listed = response.json()
    assert [t["id"] for t in listed] == [newer.token.pk, older.token.pk]
    assert set(listed[0]) == {"id", "name", "created_at", "last_used_at", "expires_at"}
    assert datetime.fromisoformat(listed[0]["last_used_at"]) == NOON
    assert listed[1]["last_used_at"] is None
    text = response.content.decode()
    assert newer.key not in text and older.key not in text and older.token.digest not in text


def test_revoking_the_token_in_use_logs_that_client_out_only(api_client, camille):
    phone = create_token(user=camille, name="Téléphone").key
    script = create_token(user=camille, name="Script").key
    response = with_token(api_client, phone).delete(TOKEN_URL)
    assert response.status_code == 204
    refused = with_token(api_client, phone).get(ME_URL)
    assert refused.status_code == 401
    assert refused.json()["code"] == "authentication_failed"
    assert with_token(api_client, script).get(ME_URL).status_code == 200
    assert [t.name for t in camille.api_tokens.all()] == ["Script"]


def test_revoking_one_of_my_tokens_by_id(api_client, camille):
    phone = create_token(user=camille, name="Téléphone")
    script = create_token(user=camille, name="Script")
    response = with_token(api_client, phone.key).delete(f"{TOKENS_URL}{script.token.pk}/")
    assert response.status_code == 204
    assert with_token(api_client, script.key).get(ME_URL).status_code == 401
    assert with_token(api_client, phone.key).get(ME_URL).status_code == 200


def test_someone_elses_token_is_not_found_and_keeps_working(api_client, camille):
    mine = create_token(user=camille).key
    theirs = create_token(user=UserFactory())
    response = with_token(api_client, mine).delete(f"{TOKENS_URL}{theirs.token.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert with_token(api_client, theirs.key).get(ME_URL).status_code == 200
    missing = with_token(api_client, mine).delete(f"{TOKENS_URL}{theirs.token.pk + 100}/")
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", TOKENS_URL), ("delete", TOKEN_URL), ("delete", f"{TOKENS_URL}1/")],
)
def test_anonymous_calls_are_refused(api_client, method, url):
    response = getattr(api_client, method)(url)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_signed_in_session_lists_and_revokes_tokens(client, camille):
    issued = create_token(user=camille, name="Script")
    client.force_login(camille)
    listed = client.get(TOKENS_URL)
    assert listed.status_code == 200
    assert [t["name"] for t in listed.json()] == ["Script"]
    assert client.delete(f"{TOKENS_URL}{issued.token.pk}/").status_code == 204
    assert not ApiToken.objects.exists()
    # Without a token there is no "token in use" to revoke.
    no_token = client.delete(TOKEN_URL)
    assert no_token.status_code == 401
    assert no_token.json()["code"] == "not_authenticated"


def test_other_endpoints_authenticate_with_tokens_and_sessions(api_client, client, camille):
    assert api_client.get(ME_URL).status_code == 401
    assert with_token(api_client, create_token(user=camille).key).get(ME_URL).status_code == 200
    client.force_login(camille)
    assert client.get(ME_URL).status_code == 200


def test_the_periodic_task_deletes_expired_tokens_only(camille):
    with time_machine.travel(NOON, tick=False):
        short = create_token(user=camille, name="Court")
    with time_machine.travel(NOON + timedelta(days=10), tick=False):
        live = create_token(user=camille, name="Vivant")
    with time_machine.travel(NOON + timedelta(days=30), tick=False):
        assert delete_expired_tokens_task.delay().get() == 1
        assert delete_expired_tokens_task.delay().get() == 0
    assert list(ApiToken.objects.values_list("pk", flat=True)) == [live.token.pk]
    assert not ApiToken.objects.filter(pk=short.token.pk).exists()


def test_the_cleanup_is_scheduled():
    entry = settings.CELERY_BEAT_SCHEDULE["accounts-delete-expired-tokens"]
    assert entry["task"] in celery_app.tasks
    assert entry["task"] == delete_expired_tokens_task.name


def test_a_lifetime_below_one_day_is_refused_at_start():
    env = {**os.environ, "API_TOKEN_TTL_DAYS": "0"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "API_TOKEN_TTL_DAYS must be at least 1" in result.stderr


def test_operators_see_tokens_without_secrets_and_revoke_them(client, api_client, camille):
    issued = create_token(user=camille, name="Script")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    changelist = client.get(reverse("admin:accounts_apitoken_changelist"))
    assert changelist.status_code == 200
    assert "Script" in changelist.content.decode()
    page = client.get(reverse("admin:accounts_apitoken_change", args=[issued.token.pk]))
    assert page.status_code == 200
    assert issued.key not in page.content.decode()
    assert issued.token.digest not in page.content.decode()
    delete_url = reverse("admin:accounts_apitoken_delete", args=[issued.token.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 302
    assert with_token(api_client, issued.key).get(ME_URL).status_code == 401
