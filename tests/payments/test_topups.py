"""Credit topped up by card: fixed and free amounts within bounds, one live attempt per
top-up, the credit added once whoever says the payment succeeded, a plain-text e-mail."""

import pytest
from django.core import mail
from django.urls import reverse

from payments.emails import send_topup_received
from payments.models import CreditEntry, Payment, Topup
from payments.services import attempts, topups
from payments.services.wallet import balance
from tests.factories import UserFactory
from tests.payments.fakes import DECLINED, THREE_D_SECURE, VISA

pytestmark = pytest.mark.django_db


@pytest.fixture
def household(api_client):
    user = UserFactory()
    api_client.force_authenticate(user)
    return user


def _start(api_client, cents):
    return api_client.post("/api/v1/orders/credit/topups/", {"amount_cents": cents}, format="json")


def _pay(api_client, topup_id, payment_method=VISA):
    return api_client.post(
        f"/api/v1/orders/credit/topups/{topup_id}/pay/",
        {"payment_method": payment_method},
        format="json",
    )


def test_a_top_up_by_card_adds_its_amount_to_the_credit_and_says_so_by_mail(
    household, api_client, fake_stripe, django_capture_on_commit_callbacks
):
    started = _start(api_client, 2000)
    assert started.status_code == 201, started.json()
    assert started.json()["payment"]["client_secret"]

    with django_capture_on_commit_callbacks(execute=True):
        paid = _pay(api_client, started.json()["id"])

    assert paid.status_code == 200, paid.json()
    assert paid.json()["payment_status"] == "succeeded"
    assert paid.json()["topup"]["status"] == "paid"
    assert balance(household=household) == 2000
    payment = Payment.objects.get()
    assert (payment.purpose_kind, payment.capture_method, payment.amount_cents) == (
        "topup",
        "automatic",
        2000,
    )
    (message,) = mail.outbox
    assert message.subject == "Recharge reçue : 20,00 €"
    assert "Votre avoir maintenant : 20,00\xa0€" in message.body
    assert "20,00\xa0€" in message.alternatives[0][0]  # the same in HTML
    # the webhook telling it again sends nothing more
    assert send_topup_received(topup_id=started.json()["id"]) == 0


@pytest.mark.parametrize("cents", [1000, 5000, 500, 1234, 50000])
def test_fixed_and_free_amounts_within_the_bounds_are_accepted(
    household, api_client, fake_stripe, cents
):
    assert _start(api_client, cents).status_code == 201


@pytest.mark.parametrize("cents", [499, 50001, 0, -100])
def test_amounts_outside_the_bounds_are_refused(household, api_client, cents):
    response = _start(api_client, cents)
    assert response.status_code == 400
    assert response.json()["code"] in ("topup_amount_out_of_range", "invalid")
    assert not Topup.objects.exists()


def test_the_bounds_are_settings(household, api_client, settings):
    settings.CREDIT_TOPUP_MAX_CENTS = 3000
    response = _start(api_client, 4000)
    assert response.json()["code"] == "topup_amount_out_of_range"
    assert response.json()["max_cents"] == 3000


def test_the_webhook_and_the_answer_both_saying_it_succeeded_credit_once(
    household, api_client, fake_stripe, django_capture_on_commit_callbacks
):
    topup_id = _start(api_client, 1000).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        _pay(api_client, topup_id)
        intent = fake_stripe.retrieve_payment_intent(intent_id=Payment.objects.get().intent_id)
        for _ in range(3):  # the webhook, late and repeated
            attempts.apply_intent(intent=intent)
        _pay(api_client, topup_id)

    assert CreditEntry.objects.filter(household=household).count() == 1
    assert balance(household=household) == 1000
    assert len(mail.outbox) == 1


def test_a_declined_card_adds_nothing_and_the_next_card_pays(household, api_client, fake_stripe):
    topup_id = _start(api_client, 1000).json()["id"]

    declined = _pay(api_client, topup_id, DECLINED)
    assert declined.status_code == 402
    assert balance(household=household) == 0
    assert Topup.objects.get().payment_attempts == 1

    assert _pay(api_client, topup_id).json()["topup"]["status"] == "paid"
    assert balance(household=household) == 1000


def test_a_second_payment_of_a_paid_top_up_is_refunded(household, api_client, fake_stripe):
    topup = topups.start_topup(household=household, amount_cents=1000)
    topups.pay_topup(topup=topup, payment_method=VISA)
    first = Payment.objects.get()
    # A second PaymentIntent reaches us anyway (a peer that ignored the idempotency key).
    twin = fake_stripe.create_payment_intent(
        amount_cents=1000,
        customer_id="cus",
        payment_method=VISA,
        capture_method="automatic",
        idempotency_key="other",
        metadata={"topup_id": str(topup.pk), "attempt": "0"},
    )
    attempts.apply_intent(intent=twin)
    attempts.apply_intent(intent=fake_stripe.retrieve_payment_intent(intent_id=first.intent_id))

    assert balance(household=household) == 1000
    assert fake_stripe.refunds == [(twin.id, 1000)]


def test_three_d_secure_then_refresh_credits(household, api_client, fake_stripe):
    topup_id = _start(api_client, 1000).json()["id"]
    assert _pay(api_client, topup_id, THREE_D_SECURE).json()["payment_status"] == "requires_action"
    assert balance(household=household) == 0

    fake_stripe.authenticate(Payment.objects.get().intent_id)
    refreshed = api_client.post(f"/api/v1/orders/credit/topups/{topup_id}/payment/refresh/")

    assert refreshed.json()["topup"]["status"] == "paid"
    assert balance(household=household) == 1000


def test_another_households_top_up_is_a_404(household, api_client, fake_stripe):
    other = topups.start_topup(household=UserFactory(), amount_cents=1000)
    assert _pay(api_client, other.pk).status_code == 404


def test_the_top_up_page_starts_a_top_up_and_shows_the_card_form(household, client, fake_stripe):
    client.force_login(household)
    page = client.get(reverse("frontend:subscriptions:credit_topup"))
    assert page.status_code == 200
    assert "20,00" in page.content.decode()

    chosen = client.post(
        reverse("frontend:subscriptions:credit_topup"), {"amount": "other", "free_amount": "12,50"}
    )
    topup = Topup.objects.get()
    assert topup.amount_cents == 1250
    assert chosen.status_code == 302
    pay_url = reverse("frontend:subscriptions:credit_topup_pay", args=[topup.pk])
    assert chosen["Location"] == pay_url
    assert 'id="card-form"' in client.get(pay_url).content.decode()

    client.post(pay_url, {"payment_method": VISA})
    assert balance(household=household) == 1250


def test_the_top_up_page_refuses_an_amount_out_of_bounds(household, client):
    client.force_login(household)
    response = client.post(
        reverse("frontend:subscriptions:credit_topup"), {"amount": "other", "free_amount": "900"}
    )
    assert response.status_code == 400
    assert not Topup.objects.exists()
