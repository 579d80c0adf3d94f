"""The demo household orders from an open distribution's catalogue, pays with the test card on
localstripe's fake Stripe.js, finds the order in "My orders"; after the cutoff the sale closes
and the order shows as confirmed."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from playwright.sync_api import Page, expect

from accounts.demo import DEMO_PASSWORD, demo_email
from orders.models import Order
from orders.services import close_distribution
from pickup.models import Distribution
from pickup.selectors import catalogue_offers

pytestmark = [
    pytest.mark.browser,
    pytest.mark.localstripe,
    pytest.mark.django_db(transaction=True),
]


def _open_distribution_with_a_farm_without_minimum():
    for distribution in Distribution.objects.filter(status="open").select_related("pickup_point"):
        for offer in catalogue_offers(distribution=distribution):
            producer = offer.catalogue.producer
            if offer.remaining >= 2 and producer.minimum_order_cents == 0:
                return distribution, offer
    for distribution in Distribution.objects.filter(status="open").select_related("pickup_point"):
        offers = [o for o in catalogue_offers(distribution=distribution) if o.remaining]
        if offers:
            return distribution, offers[0]
    raise AssertionError("seed_demo made no open distribution with offers")


def test_the_demo_household_orders_pays_and_sees_it_confirmed_after_the_close(
    live_server, page: Page, artifacts_dir, localstripe
):
    call_command("seed_demo")
    distribution, offer = _open_distribution_with_a_farm_without_minimum()
    producer = offer.catalogue.producer
    quantity = max(2, -(-producer.minimum_order_cents // offer.price_cents))
    quantity = min(quantity, offer.remaining)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/compte/connexion/")
    page.locator("#id_username").fill(demo_email("foyer"))
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.locator(".site-nav")).to_contain_text("Mes commandes")

    page.goto(
        f"{live_server.url}/points-relais/{distribution.pickup_point.slug}/"
        f"distributions/{distribution.pk}/"
    )
    field = page.locator(f"#qty-{offer.pk}")
    field.fill(str(quantity))
    field.dispatch_event("change")
    basket = page.locator("#basket")
    expect(basket).to_contain_text(offer.product.name)  # swapped in by htmx, no reload
    # Filling the field may have sent a second basket update: let it finish first (the test
    # server's threads share one SQLite connection; two requests at once break it).
    page.wait_for_load_state("networkidle")
    page.screenshot(path=artifacts_dir / "checkout-basket.png", full_page=True)

    basket.locator("button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Paiement")
    card = page.locator("#card-element")
    card.locator('input[placeholder="number"]').fill("4242424242424242")
    card.locator('input[placeholder="exp_month"]').fill("12")
    card.locator('input[placeholder="exp_year"]').fill("34")
    card.locator('input[placeholder="cvc"]').fill("123")
    card.locator('input[placeholder="postal_code"]').fill("59000")
    page.screenshot(path=artifacts_dir / "checkout-card.png", full_page=True)
    page.locator("#pay-card").click()

    expect(page.locator(".message-success")).to_be_visible(timeout=15_000)
    expect(page.locator("[data-status]").first).to_have_attribute("data-status", "paid")
    order = Order.objects.get(household__email=demo_email("foyer"), status="paid")

    page.get_by_role("button", name="Menu").click()  # on a phone the links are behind it
    page.locator(".site-nav").get_by_text("Mes commandes").click()
    expect(page.locator("main")).to_contain_text(f"n° {order.pk}")
    page.screenshot(path=artifacts_dir / "checkout-my-orders.png", full_page=True)

    with time_machine.travel(distribution.cutoff_at + timedelta(minutes=1), tick=True):
        assert close_distribution(distribution=distribution)
        page.goto(f"{live_server.url}/commandes/{order.pk}/")
        expect(page.locator("h1 [data-status]")).to_have_attribute("data-status", "confirmed")
        page.screenshot(path=artifacts_dir / "checkout-confirmed.png", full_page=True)
    order.refresh_from_db()
    assert order.status == "confirmed"
    assert order.total_cents == quantity * offer.price_cents
