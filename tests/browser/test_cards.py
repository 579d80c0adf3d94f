"""On a phone (390×844), with localstripe's Stripe.js: the demo household's declined 0341 card
is never offered again; two cards that paid are offered at checkout and the household picks the
older one; after the close it removes a card on "Mes cartes" and Stripe no longer has it."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from playwright.sync_api import Page, expect

from accounts.demo import DEMO_PASSWORD, demo_email
from accounts.models import User
from orders.models import Order
from orders.services import close_distribution, place_order
from payments import gateway
from payments.models import SavedCard
from pickup.models import Distribution
from pickup.selectors import catalogue_offers

pytestmark = [
    pytest.mark.browser,
    pytest.mark.localstripe,
    pytest.mark.django_db(transaction=True),
]

WAIT = 15_000  # ms


def _offer_without_minimum():
    for distribution in Distribution.objects.filter(status="open").select_related("pickup_point"):
        for offer in catalogue_offers(distribution=distribution):
            if offer.remaining >= 3 and offer.catalogue.producer.minimum_order_cents == 0:
                return distribution, offer
    raise AssertionError("seed_demo made no open distribution with a farm without minimum")


def _fill_card(page: Page, number: str) -> None:
    card = page.locator("#card-element")
    card.locator('input[placeholder="number"]').fill(number)
    card.locator('input[placeholder="exp_month"]').fill("12")
    card.locator('input[placeholder="exp_year"]').fill("34")
    card.locator('input[placeholder="cvc"]').fill("123")
    card.locator('input[placeholder="postal_code"]').fill("59000")


def test_cards_declined_never_offered_picked_at_checkout_and_removed(
    live_server, page: Page, artifacts_dir, localstripe
):
    call_command("seed_demo")
    household = User.objects.get(email=demo_email("foyer"))
    distribution, offer = _offer_without_minimum()

    def pay_page(key: str) -> Order:
        order = place_order(
            household=household,
            distribution=distribution,
            lines={offer.pk: 1},
            idempotency_key=key,
        )
        page.goto(f"{live_server.url}/commandes/{order.pk}/paiement/")
        expect(page.locator("h1")).to_contain_text("Paiement")
        return order

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/compte/connexion/")
    page.locator("#id_username").fill(demo_email("foyer"))
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.locator(".site-nav")).to_contain_text("Mes commandes")

    # 1. The 0341 card is declined, and not offered afterwards.
    first = pay_page("cards-1")
    _fill_card(page, "4000000000000341")
    page.locator("#pay-card").click()
    expect(page.locator(".message-error")).to_be_visible(timeout=WAIT)
    expect(page.locator("#pay-saved")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("0341")
    page.screenshot(path=artifacts_dir / "cards-declined.png", full_page=True)

    # ... another card pays (the page handed out a fresh SetupIntent).
    _fill_card(page, "4242424242424242")
    page.locator("#pay-card").click()
    expect(page.locator(".message-success")).to_be_visible(timeout=WAIT)
    assert Order.objects.get(pk=first.pk).status == "paid"

    # 2. A second card pays the second order.
    pay_page("cards-2")
    expect(page.locator(".card-option")).to_have_count(1)
    _fill_card(page, "5555555555554444")
    page.locator("#pay-card").click()
    expect(page.locator(".message-success")).to_be_visible(timeout=WAIT)

    # 3. Both are offered, the one used last first; the household picks the older one.
    third = pay_page("cards-3")
    options = page.locator(".card-option")
    expect(options).to_have_count(2)
    expect(options.first).to_contain_text("•••• 4444")
    expect(options.first.locator("input")).to_be_checked()
    page.screenshot(path=artifacts_dir / "cards-choice.png", full_page=True)
    options.filter(has_text="•••• 4242").locator("input").check()
    page.locator("#pay-saved").click()
    expect(page.locator(".message-success")).to_be_visible(timeout=WAIT)
    visa = SavedCard.objects.get(last4="4242")
    assert third.payments.get().payment_method_id == visa.payment_method_id
    assert list(SavedCard.objects.values_list("last4", flat=True)) == ["4242", "4444"]

    # 4. After the close (everything captured), the 4444 card is removed.
    with time_machine.travel(distribution.cutoff_at + timedelta(minutes=1), tick=True):
        assert close_distribution(distribution=distribution)
        page.goto(f"{live_server.url}/compte/cartes/")
        expect(page.locator(".saved-card")).to_have_count(2)
        page.screenshot(path=artifacts_dir / "cards-page.png", full_page=True)
        page.get_by_role("button", name="Retirer la carte VISA •••• 4444").click()
        expect(page.locator(".message-success")).to_contain_text("La carte est retirée")
        expect(page.locator(".saved-card")).to_have_count(1)
        expect(page.locator(".saved-card")).to_contain_text("•••• 4242")
        page.screenshot(path=artifacts_dir / "cards-removed.png", full_page=True)

    customer_id = household.stripe_customer.customer_id
    attached = {card.last4 for card in gateway.list_cards(customer_id=customer_id).values()}
    assert "4444" not in attached and "4242" in attached
