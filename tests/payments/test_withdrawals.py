"""Credit asked back to the card: latest card payments first, within the refund window, each
refund once, the ledger debited by what went back, the rest said plainly."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from payments.models import CreditEntry, Payment, Refund
from payments.services import topups
from payments.services.wallet import add_credit, balance
from payments.services.withdrawals import send_pending_withdrawals
from tests.factories import UserFactory
from tests.payments.fakes import VISA

pytestmark = pytest.mark.django_db


@pytest.fixture
def household(api_client):
    user = UserFactory()
    api_client.force_authenticate(user)
    return user


def _topped_up(household, cents):
    topup = topups.start_topup(household=household, amount_cents=cents)
    topups.pay_topup(topup=topup, payment_method=VISA)
    return Payment.objects.get(purpose_kind="topup", purpose_id=topup.pk)


def _withdraw(api_client, cents):
    return api_client.post(
        "/api/v1/orders/credit/withdrawal/", {"amount_cents": cents}, format="json"
    )


def test_credit_goes_back_through_the_latest_payments_first(household, api_client, fake_stripe):
    older = _topped_up(household, 1000)
    latest = _topped_up(household, 2000)

    response = _withdraw(api_client, 2500)

    assert response.status_code == 200, response.json()
    assert response.json()["refunded_cents"] == 2500
    assert response.json()["kept_cents"] == 0
    assert sorted(fake_stripe.refunds) == sorted([(latest.intent_id, 2000), (older.intent_id, 500)])
    assert balance(household=household) == 500
    assert CreditEntry.objects.filter(reason="withdrawal").count() == 2


def test_payments_older_than_the_window_stay_credit_said_plainly(
    household, api_client, fake_stripe
):
    old = _topped_up(household, 800)
    Payment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=200))
    _topped_up(household, 1200)

    response = _withdraw(api_client, 2000)

    body = response.json()
    assert (body["refunded_cents"], body["kept_cents"], body["kept_reason"]) == (
        1200,
        800,
        "old_payments",
    )
    assert body["message"] == (
        "12,00\u00a0€ remboursés sur votre carte ; 8,00\u00a0€ restent en avoir : ils viennent "
        "de paiements de plus de 180 jours."
    )
    assert balance(household=household) == 800


def test_asking_more_than_the_credit_is_refused(household, api_client, fake_stripe):
    _topped_up(household, 1000)
    response = _withdraw(api_client, 1001)
    assert response.status_code == 409
    assert response.json()["code"] == "withdrawal_exceeds_credit"
    assert not Refund.objects.exists()


def test_credit_without_a_card_payment_cannot_go_back(household, api_client, fake_stripe):
    add_credit(household=household, amount_cents=500, reason="skip", reference="week-1")
    response = _withdraw(api_client, 500)
    assert response.status_code == 409
    assert response.json()["code"] == "nothing_refundable"
    assert balance(household=household) == 500


def test_each_payment_is_refunded_at_most_what_it_received(household, api_client, fake_stripe):
    _topped_up(household, 1000)
    assert _withdraw(api_client, 600).json()["refunded_cents"] == 600
    assert _withdraw(api_client, 400).json()["refunded_cents"] == 400
    assert _withdraw(api_client, 1).json()["code"] == "withdrawal_exceeds_credit"
    assert sum(a for _i, a in fake_stripe.refunds) == 1000
    assert len(set(Refund.objects.values_list("key", flat=True))) == 2


def test_a_refund_stripe_could_not_take_is_sent_later_once(household, api_client, fake_stripe):
    _topped_up(household, 1000)
    fake_stripe.down = True
    assert _withdraw(api_client, 1000).status_code == 200
    assert fake_stripe.refunds == []
    assert balance(household=household) == 0

    fake_stripe.down = False
    assert send_pending_withdrawals() == 1
    assert send_pending_withdrawals() == 0
    assert len(fake_stripe.refunds) == 1


def test_the_withdrawal_page_says_what_went_back(household, client, fake_stripe):
    _topped_up(household, 1000)
    client.force_login(household)
    page = client.post(reverse("frontend:subscriptions:credit_withdraw"), {"amount": "4,00"})
    assert page.status_code == 200
    assert "4,00\u00a0€ remboursés sur votre carte" in page.content.decode()
    assert balance(household=household) == 600
