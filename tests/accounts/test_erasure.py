"""Closing an account (RGPD art. 17): the money settled first (open orders cancelled and
refunded, credit back to the card), then the person anonymised in place — nothing in any
table names them any more, the books still add up, the old address is free again. What must
happen first makes it wait, with a stable code, and changes nothing."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken, User
from accounts.services import create_token, register_user
from orders.models import Order
from orders.services import pay_order, place_order
from payments.models import Payment, Refund
from payments.services.wallet import add_credit, balance
from pickup.models import Distribution
from tests.accounts.personal import EMAIL, NAME, PHONE, household_with_everything
from tests.factories import PASSWORD, UserFactory
from tests.payments.fakes import VISA
from tests.subscriptions.conftest import active_subscription, make_amap

pytestmark = pytest.mark.django_db


def _delete(api_client, user, password=PASSWORD):
    api_client.force_authenticate(user)
    return api_client.delete("/api/v1/me/", {"password": password}, format="json")


def _every_text_in_the_database() -> str:
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            chunks.extend(" ".join(str(value) for value in row) for row in cursor.fetchall())
    return "\n".join(chunks).lower()


def test_erasure_settles_the_money_then_leaves_nothing_that_names_the_person(
    far_market, api_client, fake_stripe, client, settings, django_capture_on_commit_callbacks
):
    settings.OPERATORS_EMAIL = "operateurs@circuit-court.fr"
    person = household_with_everything(far_market)
    client.force_login(person.user)
    totals = {o.pk: o.total_cents for o in person.orders}
    payments_before = Payment.objects.filter(payer=person.user).count()
    customer_id = person.user.stripe_customer.customer_id

    with django_capture_on_commit_callbacks(execute=True):
        response = _delete(api_client, person.user)

    assert response.status_code == 204, response.content
    user = User.objects.get(pk=person.user.pk)
    assert user.email == f"erased-{user.pk}@erased.invalid"
    assert (user.full_name, user.phone, user.is_active) == ("", "", False)
    assert not user.has_usable_password()
    assert user.erased_at is not None
    # Open orders were cancelled and refunded; all the credit went back to the card.
    assert set(Order.objects.filter(household=user).values_list("status", flat=True)) == {
        "cancelled"
    }
    assert balance(household=user) == 0
    assert Refund.objects.filter(payment__payer=user, reason="withdrawal").exists()
    assert fake_stripe.deleted_customers == [customer_id]
    # The books keep their rows (on the anonymised account) and still add up.
    assert Payment.objects.filter(payer=user).count() == payments_before
    assert set(totals) == set(Order.objects.filter(household=user).values_list("pk", flat=True))
    call_command("reconcile")
    # Tokens and sessions revoked: the browser that was logged in is logged out.
    assert not ApiToken.objects.filter(user=user).exists()
    assert client.get(reverse("frontend:account")).status_code == 302
    # Organisations stay, the person left them; the farm left without a member is reported.
    assert not person.farm.members.exists() and not person.point.hosts.exists()
    (operators,) = [m for m in mail.outbox if m.to == ["operateurs@circuit-court.fr"]]
    assert "Ferme du Marais" in operators.body
    # Nothing, in any table, names the person any more.
    everything = _every_text_in_the_database()
    for trace in (EMAIL, NAME, PHONE, "erasmus"):
        assert trace.lower() not in everything, trace


def test_after_erasure_the_old_address_cannot_log_in_and_can_sign_up_again(
    api_client, client, fake_stripe
):
    user = UserFactory(email=EMAIL)
    assert _delete(api_client, user).status_code == 204

    login = reverse("accounts:login")
    assert client.post(login, {"username": EMAIL, "password": PASSWORD}).status_code == 200
    newcomer = register_user(email=EMAIL, password="un-autre-mot-de-passe", full_name="Nouvelle")
    assert newcomer.pk != user.pk
    again = client.post(login, {"username": EMAIL, "password": "un-autre-mot-de-passe"})
    assert again.status_code == 302


def test_a_token_stops_working_at_once(api_client, fake_stripe):
    user = UserFactory()
    issued = create_token(user=user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {issued.key}")
    response = api_client.delete("/api/v1/me/", {"password": PASSWORD}, format="json")
    assert response.status_code == 204
    assert api_client.get("/api/v1/gardens/me/").status_code == 401


def test_the_wrong_password_changes_nothing(api_client):
    user = UserFactory()
    response = _delete(api_client, user, password="pas-le-bon")
    assert response.status_code == 400
    assert response.json()["code"] == "wrong_password"
    assert User.objects.get(pk=user.pk).is_active


def test_credit_that_cannot_go_back_to_a_card_makes_the_erasure_wait(api_client):
    user = UserFactory(email=EMAIL)
    add_credit(household=user, amount_cents=500, reason="skip", reference="week-1")

    response = _delete(api_client, user)

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "erasure_waits"
    (reason,) = body["reasons"]
    assert reason["code"] == "credit_not_refundable"
    assert (reason["credit_cents"], reason["refundable_cents"]) == (500, 0)
    assert reason["message"].startswith("Vous avez 5,00\u00a0€ d’avoir")
    assert User.objects.get(pk=user.pk).email == EMAIL
    assert balance(household=user) == 500


def test_credit_an_open_order_would_give_back_is_counted_before_anything_is_done(
    far_market, api_client, fake_stripe
):
    user = UserFactory()
    add_credit(household=user, amount_cents=600, reason="skip", reference="week-1")
    order = place_order(
        household=user,
        distribution=far_market.distribution,
        lines={far_market.a.offers[0].pk: 2},
        idempotency_key="k",
    )
    pay_order(order=order, use_credit=True)
    assert balance(household=user) == 0

    response = _delete(api_client, user)

    assert response.status_code == 409
    assert response.json()["reasons"][0]["credit_cents"] == 600
    assert Order.objects.get(pk=order.pk).status == "paid"  # not cancelled: nothing was done


def test_an_order_past_its_cutoff_not_handed_over_makes_it_wait(market, api_client, fake_stripe):
    order = place_order(
        household=market.household,
        distribution=market.distribution,
        lines={market.a.offers[0].pk: 1},
        idempotency_key="k",
    )
    pay_order(order=order, payment_method=VISA)
    Distribution.objects.filter(pk=market.distribution.pk).update(
        cutoff_at=timezone.now() - timedelta(minutes=1)
    )

    response = _delete(api_client, market.household)

    assert response.status_code == 409
    (reason,) = response.json()["reasons"]
    assert (reason["code"], reason["orders"]) == ("order_in_progress", [order.pk])
    assert Order.objects.get(pk=order.pk).status == "paid"


def test_an_active_subscription_must_be_ended_first(api_client):
    amap = make_amap()
    subscription = active_subscription(amap)

    response = _delete(api_client, subscription.household)

    assert response.status_code == 409
    assert [r["code"] for r in response.json()["reasons"]] == ["subscription_active"]


def test_the_page_asks_for_the_box_and_the_password_then_logs_out(client, fake_stripe):
    user = UserFactory()
    client.force_login(user)
    url = reverse("frontend:account_delete")
    assert "Supprimer mon compte" in client.get(url).content.decode()

    refused = client.post(url, {"password": PASSWORD})
    assert refused.status_code == 400
    assert User.objects.get(pk=user.pk).is_active

    done = client.post(url, {"password": PASSWORD, "confirm": "on"})
    assert done.status_code == 302
    assert not User.objects.get(pk=user.pk).is_active
    assert client.get(reverse("frontend:account")).status_code == 302


def test_the_page_says_why_it_must_wait(client):
    user = UserFactory()
    add_credit(household=user, amount_cents=500, reason="skip", reference="week-1")
    client.force_login(user)
    page = client.get(reverse("frontend:account_delete")).content.decode()
    assert 'data-code="credit_not_refundable"' in page
    assert 'name="password"' not in page
