"""On a phone (390×844), the demo household tops its credit up by card on localstripe's fake
Stripe.js, then pays an order partly with that credit and sees the split before paying."""

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from accounts.demo import DEMO_PASSWORD, demo_email
from accounts.models import User
from common.money import format_eur
from orders.models import Order
from orders.services import place_order
from payments.models import Payment
from payments.services.wallet import balance
from tests.browser.test_checkout import _open_distribution_with_a_farm_without_minimum

pytestmark = [
    pytest.mark.browser,
    pytest.mark.localstripe,
    pytest.mark.django_db(transaction=True),
]


def _fill_card(page: Page):
    card = page.locator("#card-element")
    card.locator('input[placeholder="number"]').fill("4242424242424242")
    card.locator('input[placeholder="exp_month"]').fill("12")
    card.locator('input[placeholder="exp_year"]').fill("34")
    card.locator('input[placeholder="cvc"]').fill("123")
    card.locator('input[placeholder="postal_code"]').fill("59000")


def test_top_up_then_pay_an_order_partly_with_credit(
    live_server, page: Page, artifacts_dir, localstripe
):
    call_command("seed_demo")
    household = User.objects.get(email=demo_email("foyer"))
    before = balance(household=household)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/compte/connexion/")
    page.locator("#id_username").fill(demo_email("foyer"))
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.locator(".site-nav")).to_contain_text("Mes commandes")

    page.goto(f"{live_server.url}/compte/credit/")
    page.locator("#credit-topup-link").click()
    expect(page.locator("h1")).to_contain_text("Recharger mon avoir")
    page.locator("input[name=amount][value='1000']").check()
    page.screenshot(path=artifacts_dir / "credit-topup-amount.png", full_page=True)
    page.locator("#topup-continue").click()
    _fill_card(page)
    page.screenshot(path=artifacts_dir / "credit-topup-card.png", full_page=True)
    page.locator("#pay-card").click()
    expect(page.locator(".message-success")).to_be_visible(timeout=15_000)
    credit = before + 1000
    expect(page.locator("#credit-balance")).to_have_text(format_eur(credit, "fr"))
    assert balance(household=household) == credit

    distribution, offer = _open_distribution_with_a_farm_without_minimum()
    quantity = min(offer.remaining, credit // offer.price_cents + 1)
    order = place_order(
        household=household,
        distribution=distribution,
        lines={offer.pk: quantity},
        idempotency_key="browser-credit",
    )
    assert order.total_cents > credit

    page.goto(f"{live_server.url}/commandes/{order.pk}/paiement/")
    expect(page.locator("#credit-to-use")).to_have_text(format_eur(credit, "fr"))
    expect(page.locator("#card-to-pay")).to_have_text(format_eur(order.total_cents - credit, "fr"))
    page.screenshot(path=artifacts_dir / "credit-split.png", full_page=True)
    page.locator("#pay-saved").click()  # the card the top-up saved

    expect(page.locator(".message-success")).to_be_visible(timeout=15_000)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    payment = Payment.objects.get(purpose_kind="order", purpose_id=order.pk)
    assert (payment.amount_cents, payment.credit_cents) == (order.total_cents - credit, credit)
    assert balance(household=household) == 0
