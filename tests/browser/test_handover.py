"""The demo host, on a phone, opens the handover screen of a closed distribution, finds an
order by its pickup code, marks it collected with one tap (htmx), sees one fewer left; the
printable packing list is saved as a screenshot (print media, A4 width)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.demo import DEMO_PASSWORD, demo_email
from orders.models import Order, OrderLine
from pickup.models import PickupPoint
from tests.factories import DistributionFactory, UserFactory
from tests.orders.conftest import stocked_farm

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _closed_distribution_with_orders(point: PickupPoint, count: int = 4):
    starts = (timezone.now() + timedelta(days=20)).replace(second=0, microsecond=0)
    distribution = DistributionFactory(pickup_point=point, starts_at=starts, status="closed")
    farm = stocked_farm(distribution, prices=(350, 180))
    orders = []
    for n in range(count):
        order = Order.objects.create(
            household=UserFactory(full_name=f"Foyer {n} Test"),
            distribution=distribution,
            idempotency_key=f"h{n}",
            status=Order.Status.CONFIRMED,
            pickup_code=f"KM{'ACDE'[n]}7P",
            total_cents=350 + 180,
        )
        for offer in farm.offers:
            OrderLine.objects.create(
                order=order,
                offer=offer,
                producer=farm.producer,
                product_name=offer.product.name,
                producer_name=farm.producer.name,
                unit_price_cents=offer.price_cents,
                quantity=1,
            )
        orders.append(order)
    return distribution, orders


def test_the_demo_host_finds_an_order_by_code_and_marks_it_collected(
    live_server, page: Page, artifacts_dir
):
    call_command("seed_demo")
    host_email = demo_email("hote")
    point = PickupPoint.objects.get(hosts__email=host_email)
    distribution, orders = _closed_distribution_with_orders(point)
    wanted = orders[2]

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/compte/connexion/")
    page.locator("#id_username").fill(host_email)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.goto(f"{live_server.url}/hote/")
    page.locator(f"a[href='/hote/distributions/{distribution.pk}/remise/']").click()

    counter = page.locator("#handover-counter strong")
    expect(counter).to_have_attribute("data-left", "4")
    search = page.locator("#handover-q")
    search.fill(wanted.pickup_code.lower())
    search.press("Enter")  # what a hardware scanner does after the code
    rows = page.locator(".handover-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-code", wanted.pickup_code)
    page.screenshot(path=artifacts_dir / "handover-found.png", full_page=True)

    rows.first.locator("button.handover-collect").click()
    expect(page.locator(f"#order-{wanted.pk}")).to_have_class("handover-row is-collected")
    expect(counter).to_have_attribute("data-left", "3")
    expect(page.locator(f"#order-{wanted.pk} form button")).to_be_visible()  # undo
    page.screenshot(path=artifacts_dir / "handover-collected.png", full_page=True)
    wanted.refresh_from_db()
    assert wanted.collected_at is not None

    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.goto(f"{live_server.url}/hote/distributions/{distribution.pk}/colisage/")
    page.emulate_media(media="print")
    expect(page.locator(".packing-block")).to_have_count(4)
    expect(page.locator(".site-header")).to_be_hidden()
    page.screenshot(path=artifacts_dir / "packing-list-print.png", full_page=True)
    page.pdf(path=artifacts_dir / "packing-list.pdf", format="A4")
