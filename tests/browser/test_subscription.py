"""The demo household subscribes to a vegetable basket and prepays the season with the test
card on localstripe's fake Stripe.js, skips next week, adds honey to the week after (paid by
the credit the skip gave), and sees the credit on its account page."""

import json
import urllib.request
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from playwright.sync_api import Page, expect

from accounts.demo import DEMO_PASSWORD, demo_email
from billing.models import SeasonPayout
from devtools.demo_accounts import push_demo_accounts
from orders.models import Order
from payments.services.connect import account_of
from pickup.models import Distribution
from pickup.services import open_due_distributions
from producers.models import Catalogue, Offer
from producers.services.catalogues import publish_catalogue
from subscriptions.models import Subscription
from subscriptions.services.baskets import generate_basket_orders

pytestmark = [
    pytest.mark.browser,
    pytest.mark.localstripe,
    pytest.mark.django_db(transaction=True),
]

BASKET = "Panier de légumes — petit"
WAIT = 15_000  # ms: generous, the suite may share the machine with other browser runs


def test_the_demo_household_subscribes_skips_adds_honey_and_sees_its_credit(
    live_server, page: Page, artifacts_dir, localstripe
):
    call_command("seed_demo")
    # The peer runs already: it learns the demo's connected accounts (the farm sells its season).
    assert push_demo_accounts(localstripe) == 3
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/compte/connexion/")
    page.locator("#id_username").fill(demo_email("foyer"))
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.locator(".site-nav")).to_contain_text("Mes commandes")

    page.goto(f"{live_server.url}/abonnements/")
    card = page.locator(".season-card", has_text=BASKET)
    card.locator(".subscribe-button").click()
    expect(page.locator("#card-element")).to_be_visible(timeout=WAIT)
    form = page.locator("#card-element")
    form.locator('input[placeholder="number"]').fill("4242424242424242")
    form.locator('input[placeholder="exp_month"]').fill("12")
    form.locator('input[placeholder="exp_year"]').fill("34")
    form.locator('input[placeholder="cvc"]').fill("123")
    form.locator('input[placeholder="postal_code"]').fill("59000")
    page.locator("#pay-card").click()
    expect(page.locator("h1 [data-status]")).to_have_attribute(
        "data-status", "active", timeout=WAIT
    )
    subscription = Subscription.objects.get(
        household__email=demo_email("foyer"), season__product__name=BASKET
    )
    assert subscription.status == "active" and subscription.card_cents == subscription.total_cents
    # The farm sold it: its share of every week reached its account with the card payment.
    paid_to_farm = SeasonPayout.objects.get(subscription=subscription)
    account = account_of("producer", paid_to_farm.producer_id).account_id
    balance = f"{localstripe}/_config/connect/accounts/{account}/balance"
    with urllib.request.urlopen(balance, timeout=5) as answer:
        assert json.load(answer)["available"] == paid_to_farm.charged_cents
    assert paid_to_farm.status == "paid" and paid_to_farm.charged_cents == paid_to_farm.farm_cents

    next_week = subscription.first_week
    week_after = next_week + timedelta(weeks=1)
    page.locator(f'tr[data-week="{next_week:%Y-%m-%d}"] .skip-week').click()
    expect(page.locator(f'tr[data-week="{next_week:%Y-%m-%d}"]')).to_have_attribute(
        "data-state", "skipped", timeout=WAIT
    )
    page.screenshot(path=artifacts_dir / "subscription-skipped.png", full_page=True)

    distribution = Distribution.objects.get(pickup_point=subscription.pickup_point, week=week_after)
    # The demo farm's catalogue of a later week may still be its draft: it publishes it first.
    for draft in Catalogue.objects.filter(week=week_after, status=Catalogue.Status.DRAFT):
        publish_catalogue(catalogue=draft)
    honey = Offer.objects.get(catalogue__week=week_after, product__name="Miel de printemps")
    with time_machine.travel(distribution.opens_at + timedelta(minutes=1), tick=True):
        open_due_distributions()
        assert len(generate_basket_orders()) == 1
        page.reload()
        row = page.locator(f'tr[data-week="{week_after:%Y-%m-%d}"]')
        expect(row).to_have_attribute("data-state", "ordered", timeout=WAIT)
        row.locator(".add-products").click()
        # One request at a time: the test server shares one SQLite connection between threads.
        page.wait_for_load_state("networkidle")
        field = page.locator(f"#qty-{honey.pk}")
        field.fill("1")
        field.dispatch_event("change")
        basket = page.locator("#basket")
        expect(basket).to_contain_text("Miel de printemps", timeout=WAIT)
        page.wait_for_load_state("networkidle")
        basket.locator("button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        # The skipped week's credit covers the honey: the page asks for no card.
        expect(page.locator("#pay-credit")).to_be_visible(timeout=WAIT)
        assert page.locator("#card-element").count() == 0
        page.screenshot(path=artifacts_dir / "subscription-credit-pays.png", full_page=True)
        page.locator("#pay-credit").click()
        expect(page.locator(".message-success")).to_be_visible(timeout=WAIT)

        page.goto(f"{live_server.url}/compte/credit/")
        expect(page.locator("#credit-balance")).to_have_attribute(
            "data-cents", str(subscription.price_cents - honey.price_cents), timeout=WAIT
        )
        page.screenshot(path=artifacts_dir / "subscription-credit.png", full_page=True)

    add_on = Order.objects.get(
        household__email=demo_email("foyer"), distribution=distribution, basket__isnull=True
    )
    assert add_on.status == "paid" and add_on.payments.count() == 0  # credit covered it all
    basket_order = Order.objects.get(basket__subscription=subscription)
    assert basket_order.distribution == distribution and basket_order.status == "paid"
