"""Saved cards: only a card that paid is saved (never a declined one, nor a 3-D Secure card
whose authentication never finished); the household picks one at checkout, sees them on
"Mes cartes" and removes one (detached at Stripe) — not another's (404), not one a payment
still needs (409)."""

import pytest
from django.urls import reverse

from orders.models import Order
from orders.services import place_order
from payments.models import Payment, SavedCard
from payments.services.customers import stripe_customer
from tests.factories import UserFactory
from tests.payments.fakes import DECLINED, THREE_D_SECURE, VISA

pytestmark = pytest.mark.django_db

MASTERCARD = "pm_the_households_mastercard"


def _order(market, key, quantity=1):
    return place_order(
        household=market.household,
        distribution=market.distribution,
        lines={market.a.offers[0].pk: quantity},
        idempotency_key=key,
    )


def _pay(api_client, market, order, card=VISA):
    api_client.force_authenticate(market.household)
    return api_client.post(f"/api/v1/orders/{order.pk}/pay/", {"payment_method": card}, "json")


def _cards(market):
    return list(
        SavedCard.objects.filter(customer__user=market.household).values_list(
            "payment_method_id", flat=True
        )
    )


def _two_cards(api_client, market, fake_stripe):
    """The household paid one order with VISA, then one with its Mastercard (used last)."""
    customer = stripe_customer(household=market.household)
    fake_stripe.owners[MASTERCARD] = customer.customer_id
    assert _pay(api_client, market, _order(market, "one"), VISA).status_code == 200
    assert _pay(api_client, market, _order(market, "two"), MASTERCARD).status_code == 200
    return customer


# --- Which cards are saved ----------------------------------------------------------------


def test_a_declined_card_is_never_offered_on_the_pay_page(client, market, api_client, fake_stripe):
    order = _order(market, "declined")
    assert _pay(api_client, market, order, DECLINED).status_code == 402

    client.force_login(market.household)
    page = client.get(reverse("frontend:orders:pay", args=[order.pk])).content.decode()

    assert "0341" not in page
    assert 'id="pay-saved"' not in page
    assert _cards(market) == []


def test_a_three_d_secure_card_is_saved_only_once_authenticated(market, api_client, fake_stripe):
    order = _order(market, "3ds")
    assert _pay(api_client, market, order, THREE_D_SECURE).json()["payment_status"] == (
        "requires_action"
    )
    assert _cards(market) == []  # not paid yet: the household may never finish

    fake_stripe.authenticate(Payment.objects.get().intent_id)
    api_client.post(f"/api/v1/orders/{order.pk}/payment/refresh/")

    saved = SavedCard.objects.get()
    assert (saved.payment_method_id, saved.last4) == (THREE_D_SECURE, "3184")


def test_the_pay_page_offers_every_saved_card_the_one_used_last_first(
    client, market, api_client, fake_stripe
):
    _two_cards(api_client, market, fake_stripe)
    order = _order(market, "three")
    client.force_login(market.household)

    page = client.get(reverse("frontend:orders:pay", args=[order.pk])).content.decode()

    assert page.index(MASTERCARD) < page.index(VISA)
    assert f'value="{MASTERCARD}" checked' in page


def test_the_household_picks_a_saved_card_at_checkout(client, market, api_client, fake_stripe):
    _two_cards(api_client, market, fake_stripe)
    order = _order(market, "three")
    client.force_login(market.household)

    client.post(reverse("frontend:orders:pay", args=[order.pk]), {"payment_method": VISA})

    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID
    assert Payment.objects.filter(purpose_id=order.pk).get().payment_method_id == VISA
    assert _cards(market) == [VISA, MASTERCARD]  # VISA is now the one used last


def test_the_api_lists_saved_cards_and_an_empty_payment_method_pays_with_the_first(
    market, api_client, fake_stripe
):
    _two_cards(api_client, market, fake_stripe)

    listed = api_client.get("/api/v1/cards/").json()

    assert [(c["payment_method"], c["last4"]) for c in listed] == [
        (MASTERCARD, "4242"),
        (VISA, "4242"),
    ]
    order = _order(market, "three")
    api_client.post(f"/api/v1/orders/{order.pk}/pay/", {}, "json")
    assert Payment.objects.filter(purpose_id=order.pk).get().payment_method_id == MASTERCARD


# --- Removing a card ------------------------------------------------------------------------


def test_removing_a_card_detaches_it_at_stripe_and_it_can_no_longer_pay(
    far_market, api_client, fake_stripe
):
    market = far_market  # captured at once: nothing left for the card to do
    _two_cards(api_client, market, fake_stripe)
    mastercard = SavedCard.objects.get(payment_method_id=MASTERCARD)

    response = api_client.delete(f"/api/v1/cards/{mastercard.pk}/")

    assert response.status_code == 204
    assert fake_stripe.detached == [MASTERCARD]
    assert _cards(market) == [VISA]
    refused = _pay(api_client, market, _order(market, "three"), MASTERCARD)
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid_payment_method"


def test_another_households_card_cannot_be_removed(market, api_client, fake_stripe):
    _two_cards(api_client, market, fake_stripe)
    card = SavedCard.objects.get(payment_method_id=VISA)
    api_client.force_authenticate(UserFactory())

    response = api_client.delete(f"/api/v1/cards/{card.pk}/")

    assert response.status_code == 404
    assert response.json()["code"] == "card_not_found"
    assert fake_stripe.detached == []
    assert SavedCard.objects.filter(pk=card.pk).exists()


def test_the_card_of_an_authorisation_waiting_for_the_close_cannot_be_removed(
    market, api_client, fake_stripe
):
    # the market's cutoff is 2 days away: the payment is authorised, captured at the close
    _two_cards(api_client, market, fake_stripe)
    card = SavedCard.objects.get(payment_method_id=MASTERCARD)

    response = api_client.delete(f"/api/v1/cards/{card.pk}/")

    assert response.status_code == 409
    assert response.json()["code"] == "card_in_use"
    assert fake_stripe.detached == []


def test_a_card_whose_payments_are_captured_can_be_removed(far_market, api_client, fake_stripe):
    market = far_market  # captured at once: nothing left for the card to do
    _two_cards(api_client, market, fake_stripe)
    card = SavedCard.objects.get(payment_method_id=MASTERCARD)

    assert api_client.delete(f"/api/v1/cards/{card.pk}/").status_code == 204


def test_stripe_down_keeps_the_card_and_removing_again_works(far_market, api_client, fake_stripe):
    market = far_market
    _two_cards(api_client, market, fake_stripe)
    card = SavedCard.objects.get(payment_method_id=VISA)
    fake_stripe.down = True

    assert api_client.delete(f"/api/v1/cards/{card.pk}/").json()["code"] == "payment_unavailable"
    assert SavedCard.objects.filter(pk=card.pk).exists()

    fake_stripe.down = False
    assert api_client.delete(f"/api/v1/cards/{card.pk}/").status_code == 204


def test_the_cards_page_lists_and_removes_a_card(client, far_market, api_client, fake_stripe):
    market = far_market
    _two_cards(api_client, market, fake_stripe)
    visa = SavedCard.objects.get(payment_method_id=VISA)
    client.force_login(market.household)

    page = client.get(reverse("frontend:account_cards")).content.decode()
    assert page.count('class="saved-card"') == 2

    response = client.post(reverse("frontend:account_cards_remove", args=[visa.pk]), follow=True)

    assert "carte est retirée" in response.content.decode()
    assert _cards(market) == [MASTERCARD]


def test_the_cards_page_says_why_a_card_in_use_stays(client, market, api_client, fake_stripe):
    _two_cards(api_client, market, fake_stripe)
    visa = SavedCard.objects.get(payment_method_id=VISA)
    client.force_login(market.household)

    response = client.post(reverse("frontend:account_cards_remove", args=[visa.pk]), follow=True)

    assert "paiement en cours" in response.content.decode()
    assert SavedCard.objects.filter(pk=visa.pk).exists()


def test_after_a_declined_card_the_next_checkout_gets_a_fresh_setup_intent(
    market, api_client, fake_stripe
):
    """The SetupIntent that the declined card confirmed cannot be confirmed again (Stripe
    refuses): the page offers a new one for the next card."""
    api_client.force_authenticate(market.household)
    placed = api_client.post(
        "/api/v1/orders/",
        {
            "distribution": market.distribution.pk,
            "lines": [{"offer": market.a.offers[0].pk, "quantity": 1}],
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="fresh",
    ).json()
    first_secret = placed["payment"]["client_secret"]
    order = Order.objects.get(pk=placed["id"])
    assert _pay(api_client, market, order, DECLINED).status_code == 402

    second = _order(market, "after-decline")
    again = api_client.post(
        "/api/v1/orders/",
        {
            "distribution": market.distribution.pk,
            "lines": [{"offer": market.a.offers[0].pk, "quantity": 1}],
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="fresh-2",
    ).json()

    assert again["payment"]["client_secret"] not in ("", first_secret)
    assert _pay(api_client, market, second, VISA).status_code == 200


def test_operators_see_a_customers_saved_cards_in_the_admin(
    operator, far_market, api_client, fake_stripe
):
    customer = _two_cards(api_client, far_market, fake_stripe)

    page = operator.get(reverse("admin:payments_stripecustomer_change", args=[customer.pk]))

    assert page.status_code == 200
    assert MASTERCARD in page.content.decode() and VISA in page.content.decode()
