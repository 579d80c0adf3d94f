"""Connect events come to their own endpoint, signed with their own secret: an
``account.updated`` mirrors the farm's account once, and an account that can now receive
transfers is paid what it was owed."""

import json

import pytest
from django.conf import settings

from payments.models import ConnectedAccount, StripeEvent
from payments.services import connect
from tests.orders.helpers import sign

pytestmark = pytest.mark.django_db


def _post(client, body: bytes, secret=None):
    return client.post(
        "/stripe/connect-webhook/",
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(body, secret or settings.STRIPE_CONNECT_WEBHOOK_SECRET),
    )


def _account_updated(event_id: str, account_id: str, **fields) -> bytes:
    obj = {
        "id": account_id,
        "object": "account",
        "charges_enabled": True,
        "payouts_enabled": True,
        "details_submitted": True,
        "requirements": {"currently_due": [], "past_due": [], "disabled_reason": None},
        **fields,
    }
    return json.dumps(
        {"id": event_id, "type": "account.updated", "account": account_id, "data": {"object": obj}}
    ).encode()


def test_account_updated_mirrors_the_account_once(client, fake_stripe):
    account = connect.open_account(kind="producer", ref=7, email="", name="Ferme")
    assert account.status == "pending"
    body = _account_updated("evt_1", account.account_id)
    first, again = _post(client, body), _post(client, body)
    assert first.status_code == again.status_code == 200
    assert again.json()["duplicate"] is True
    account.refresh_from_db()
    assert account.status == ConnectedAccount.Status.ACTIVE
    assert StripeEvent.objects.filter(event_id="evt_1").count() == 1


def test_requirements_due_are_kept(client, fake_stripe):
    account = connect.open_account(kind="producer", ref=7, email="", name="Ferme")
    body = _account_updated(
        "evt_2",
        account.account_id,
        charges_enabled=False,
        payouts_enabled=False,
        requirements={"currently_due": ["individual.verification.document"], "past_due": []},
    )
    assert _post(client, body).status_code == 200
    account.refresh_from_db()
    assert account.status == "needs_information"
    assert account.requirements_due == ["individual.verification.document"]


def test_the_platform_secret_does_not_sign_connect_events(client, fake_stripe):
    account = connect.open_account(kind="producer", ref=7, email="", name="Ferme")
    body = _account_updated("evt_3", account.account_id)
    answer = _post(client, body, secret=settings.STRIPE_WEBHOOK_SECRET)
    assert answer.status_code == 400 and answer.json()["code"] == "bad_signature"
    account.refresh_from_db()
    assert account.status == "pending"


def test_an_account_not_ours_is_stored_and_ignored(client, fake_stripe):
    assert _post(client, _account_updated("evt_4", "acct_elsewhere")).status_code == 200
    assert StripeEvent.objects.get(event_id="evt_4").ignored == "not an account of ours"
