"""A household on a phone cancels its paid order: the button asks first in a native dialog
that says what happens (products back on sale, the amount given back); "Go back" changes
nothing, the confirm button cancels."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from orders.models import Order
from orders.services import pay_order, place_order
from tests.factories import DistributionFactory, UserFactory
from tests.orders.conftest import stocked_farm
from tests.payments.fakes import VISA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "confirm-pass-1234"


def test_cancelling_an_order_asks_first_then_cancels(live_server, page: Page, fake_stripe):
    household = UserFactory()
    household.set_password(PASSWORD)
    household.save()
    distribution = DistributionFactory(
        starts_at=(timezone.now() + timedelta(days=9)).replace(second=0, microsecond=0),
        opens_at=timezone.now() - timedelta(hours=1),
    )
    (carrots,) = stocked_farm(distribution, prices=(350,)).offers
    order = place_order(
        household=household, distribution=distribution, lines={carrots.pk: 2}, idempotency_key="c"
    )
    pay_order(order=order, payment_method=VISA)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/compte/connexion/")
    page.locator("#id_username").fill(household.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.locator(".site-nav")).to_be_visible()
    page.goto(f"{live_server.url}/commandes/{order.pk}/")

    page.locator(".order-cancel [data-confirm]").click()
    dialog = page.locator("dialog[open]")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".confirm-consequence")).to_contain_text("1")  # one product, two of it
    expect(dialog.locator(".confirm-consequence")).to_contain_text("7,00\u00a0€")
    dialog.locator("[data-confirm-close]").click()
    expect(page.locator("dialog[open]")).to_have_count(0)
    assert Order.objects.get(pk=order.pk).status == "paid"  # going back sent nothing

    page.locator(".order-cancel [data-confirm]").click()
    page.locator("dialog[open] .confirm-submit").click()
    expect(page.locator(".message").first).to_be_visible()
    assert Order.objects.get(pk=order.pk).status == "cancelled"
