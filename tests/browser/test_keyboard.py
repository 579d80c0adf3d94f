"""The main flows with the keyboard alone (no mouse, no click): ordering and paying, skipping a
basket week, handing an order over. Every element the focus lands on shows it. The garden plan's
plot reservation with the keyboard is in test_garden_plan.py. The basket's total and the
handover's "N left" are live regions that stay in the page while htmx updates them."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.demo import DEMO_PASSWORD, demo_email
from accounts.models import User
from orders.models import Order, OrderLine
from payments.services.wallet import add_credit
from pickup.models import Distribution, PickupPoint
from pickup.selectors import catalogue_offers
from subscriptions.models import Subscription
from subscriptions.selectors import open_seasons
from tests.browser.keyboard import log_in_with_the_keyboard, tab_to
from tests.factories import DistributionFactory, UserFactory
from tests.orders.conftest import stocked_farm

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAIT = 15_000
MARK_NODE = "(sel) => { document.querySelector(sel).dataset.sameNode = 'yes'; }"


def _a_cheap_offer():
    for distribution in Distribution.objects.filter(status="open").select_related("pickup_point"):
        for offer in catalogue_offers(distribution=distribution):
            if offer.remaining >= 2 and offer.catalogue.producer.minimum_order_cents == 0:
                return distribution, offer
    raise AssertionError("seed_demo made no open distribution with an offer and no minimum")


@pytest.mark.localstripe
def test_order_and_pay_with_the_keyboard_alone(live_server, page: Page, localstripe):
    call_command("seed_demo", verbosity=0)
    distribution, offer = _a_cheap_offer()
    base = live_server.url
    log_in_with_the_keyboard(page, base, demo_email("foyer"), DEMO_PASSWORD)
    page.goto(
        f"{base}/points-relais/{distribution.pickup_point.slug}/distributions/{distribution.pk}/"
    )
    page.evaluate(MARK_NODE, "#basket-status")

    tab_to(page, f"#qty-{offer.pk}")
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    page.keyboard.press("Tab")  # leaving the field sends it (htmx, on change)

    status = page.locator("#basket-status")
    total = f"{2 * offer.price_cents / 100:.2f}".replace(".", ",")
    expect(status).to_contain_text(f"Total du panier : {total}", timeout=WAIT)
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_attribute("data-same-node", "yes")  # updated, not replaced
    expect(page.locator("#basket")).to_contain_text(offer.product.name)

    # The basket's detail follows the product cards, the bar at the bottom after it.
    tab_to(page, "#basket button[type=submit]", limit=300)
    page.keyboard.press("Enter")
    expect(page.locator("#card-element")).to_be_visible(timeout=WAIT)
    for field, value in [
        ("number", "4242424242424242"),
        ("exp_month", "12"),
        ("exp_year", "34"),
        ("cvc", "123"),
        ("postal_code", "59000"),
    ]:
        tab_to(page, f'#card-element input[placeholder="{field}"]')
        page.keyboard.type(value)
    tab_to(page, "#pay-card")
    page.keyboard.press("Enter")

    expect(page.locator(".message-success")).to_be_visible(timeout=WAIT)
    order = Order.objects.filter(household__email=demo_email("foyer")).latest("pk")
    assert order.status == "paid" and order.total_cents == 2 * offer.price_cents


def test_subscribe_and_skip_a_week_with_the_keyboard_alone(live_server, page: Page):
    call_command("seed_demo", verbosity=0)
    household = User.objects.get(email=demo_email("foyer"))
    # Enough credit for any season: subscribing needs no card, the flow stays on our pages.
    add_credit(household=household, amount_cents=100_000, reason="adjustment", reference="a11y")
    season = open_seasons().order_by("pk").first()
    base = live_server.url
    log_in_with_the_keyboard(page, base, demo_email("foyer"), DEMO_PASSWORD)
    page.goto(f"{base}/abonnements/")

    tab_to(page, f'.season-card[data-season="{season.pk}"] .subscribe-button')
    page.keyboard.press("Enter")
    expect(page.locator("h1 [data-status]")).to_have_attribute("data-status", "active")
    subscription = Subscription.objects.get(household=household, season=season)

    week = f"{subscription.first_week:%Y-%m-%d}"
    tab_to(page, f'tr[data-week="{week}"] .skip-week')
    page.keyboard.press("Enter")
    expect(page.locator(f'tr[data-week="{week}"]')).to_have_attribute("data-state", "skipped")
    assert subscription.skips.filter(week=subscription.first_week).exists()


def _closed_distribution_with_two_orders(point: PickupPoint):
    starts = (timezone.now() + timedelta(days=20)).replace(second=0, microsecond=0)
    distribution = DistributionFactory(pickup_point=point, starts_at=starts, status="closed")
    farm = stocked_farm(distribution, prices=(350,))
    orders = []
    for n, code in enumerate(["KMA7P", "KMC7P"]):
        order = Order.objects.create(
            household=UserFactory(full_name=f"Foyer {n} Test"),
            distribution=distribution,
            idempotency_key=f"kb{n}",
            status=Order.Status.CONFIRMED,
            pickup_code=code,
            total_cents=350,
        )
        OrderLine.objects.create(
            order=order,
            offer=farm.offers[0],
            producer=farm.producer,
            product_name=farm.offers[0].product.name,
            producer_name=farm.producer.name,
            unit_price_cents=350,
            quantity=1,
        )
        orders.append(order)
    return distribution, orders


def test_hand_an_order_over_with_the_keyboard_alone(live_server, page: Page):
    call_command("seed_demo", verbosity=0)
    point = PickupPoint.objects.get(hosts__email=demo_email("hote"))
    distribution, orders = _closed_distribution_with_two_orders(point)
    base = live_server.url
    log_in_with_the_keyboard(page, base, demo_email("hote"), DEMO_PASSWORD)
    page.goto(f"{base}/hote/distributions/{distribution.pk}/remise/")
    counter = page.locator("#handover-counter")
    expect(counter).to_have_attribute("role", "status")
    expect(counter.locator("strong")).to_have_text("2 restantes")
    page.evaluate(MARK_NODE, "#handover-counter")

    tab_to(page, "#handover-q")
    page.keyboard.type("kmc7p")
    page.keyboard.press("Enter")
    expect(page.locator(".handover-row")).to_have_count(1)
    tab_to(page, ".handover-row button.handover-collect")
    page.keyboard.press("Enter")

    expect(page.locator(f"#order-{orders[1].pk}")).to_have_class("handover-row is-collected")
    expect(counter.locator("strong")).to_have_text("1 restante")
    expect(counter).to_have_attribute("aria-live", "polite")
    expect(counter).to_have_attribute("data-same-node", "yes")  # updated, not replaced
    orders[1].refresh_from_db()
    assert orders[1].collected_at is not None


def test_tabbing_fails_on_a_focus_that_does_not_show(page: Page):
    page.set_content(
        "<style>button:focus { outline: none; }</style><a href='#x'>shown</a><button>hidden</button>"
    )
    with pytest.raises(AssertionError, match="focus not visible on <button>hidden"):
        tab_to(page, "button")
