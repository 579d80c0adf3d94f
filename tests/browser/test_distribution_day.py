"""Distribution day on a phone (390×844), in the demo: the host goes from the dashboard to
today's handover, opens a bag's contents and hands over one order; a household skips a week
and takes it back before the deadline."""

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.demo import DEMO_PASSWORD, demo_email
from orders.models import Order
from payments.services.wallet import balance
from pickup.models import Distribution
from subscriptions.models import Subscription
from tests.browser.axe import AXE_JS, Audit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT = 10_000


def _log_in(page: Page, base: str, who: str) -> None:
    page.context.add_init_script(script=AXE_JS.read_text())  # in every page, whatever its CSP
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/compte/connexion/")
    page.locator("#id_username").fill(demo_email(who))
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def test_the_host_goes_from_the_dashboard_to_todays_handover_and_hands_over_a_bag(
    live_server, page: Page, artifacts_dir
):
    call_command("seed_demo")
    today = Distribution.objects.get(
        pickup_point__hosts__email=demo_email("hote"),
        status="closed",
        starts_at__date=timezone.localdate(),
    )
    _log_in(page, live_server.url, "hote")
    page.goto(f"{live_server.url}/hote/")

    # Today's sale is the first thing on the dashboard, its handover the biggest button.
    handover = page.locator(".host-today .host-today-handover")
    expect(handover).to_be_visible()
    assert handover.bounding_box()["y"] + 48 < page.viewport_size["height"]
    expect(page.locator(".host-today")).to_contain_text("3 commandes à remettre.")
    assert Audit().check(page, "host dashboard") == []
    page.screenshot(path=artifacts_dir / "host-dashboard-today.png")
    handover.click()
    expect(page).to_have_url(f"{live_server.url}/hote/distributions/{today.pk}/remise/")

    counter = page.locator("#handover-counter strong")
    expect(counter).to_have_attribute("data-left", "3")
    row = page.locator(".handover-row").first
    bag = row.locator("details.handover-bag")
    lines = bag.locator(".handover-bag-lines li")
    expect(lines.first).to_be_hidden()
    bag.locator("summary").click()
    expect(lines.first).to_be_visible()
    order = Order.objects.filter(distribution=today, status="confirmed").order_by(
        "household__full_name", "household__email", "pk"
    )[0]
    for line in order.lines.filter(status="active"):
        expect(bag).to_contain_text(f"{line.quantity} × {line.product_name}")
    page.screenshot(path=artifacts_dir / "host-handover-bag.png", full_page=True)
    assert Audit().check(page, "handover, a bag open") == []

    row.locator("button.handover-collect").click()
    expect(page.locator(f"#order-{order.pk}")).to_have_class("handover-row is-collected")
    expect(counter).to_have_attribute("data-left", "2", timeout=WAIT)
    page.screenshot(path=artifacts_dir / "host-handover-collected.png", full_page=True)
    order.refresh_from_db()
    assert order.collected_at is not None


def test_a_household_skips_a_week_and_takes_it_back(live_server, page: Page, artifacts_dir):
    call_command("seed_demo")
    subscription = Subscription.objects.get(household__email=demo_email("foyer"))
    household = subscription.household
    before = balance(household=household)
    _log_in(page, live_server.url, "foyer")
    page.goto(f"{live_server.url}/abonnements/{subscription.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll

    planned = page.locator('tr[data-state="planned"]').first
    week = planned.get_attribute("data-week")
    row = page.locator(f'tr[data-week="{week}"]')
    row.locator(".skip-week").click()
    expect(row).to_have_attribute("data-state", "skipped", timeout=WAIT)
    assert balance(household=household) == before + subscription.price_cents
    page.screenshot(path=artifacts_dir / "subscription-week-skipped.png")
    assert Audit().check(page, "subscription weeks, one skipped") == []

    row.get_by_role("button", name="Finalement, je prends ce panier").click()
    expect(page.locator(".message-success")).to_contain_text("Le saut est annulé", timeout=WAIT)
    expect(row).not_to_have_attribute("data-state", "skipped")
    assert balance(household=household) == before
    page.screenshot(path=artifacts_dir / "subscription-week-taken-back.png")
