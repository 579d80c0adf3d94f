"""A farm weighs a product sold by weight on its phone after the close, and the household's
receipt shows the real weight and its price, nothing wider than the screen."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from orders.models import Order
from orders.services import close_distribution, pay_order, place_order
from producers.models import Offer, Product
from tests.factories import DistributionFactory, UserFactory
from tests.orders.conftest import stocked_farm
from tests.payments.fakes import VISA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "weighing-pass-1234"


def _user(name):
    user = UserFactory(full_name=name)
    user.set_password(PASSWORD)
    user.save()
    return user


def _log_in(page: Page, url: str, user) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/compte/connexion/")
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.locator(".site-nav")).to_be_visible()


def _fits(page: Page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the {what} is {width}px wide on a 390px screen"


def test_the_farm_weighs_on_its_phone_and_the_receipt_shows_the_real_weight(
    live_server, page: Page, artifacts_dir, fake_stripe
):
    household, farmer = _user("Camille Martin"), _user("Paysanne A")
    starts = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    distribution = DistributionFactory(
        starts_at=starts, opens_at=timezone.now() - timedelta(hours=1)
    )
    farm = stocked_farm(distribution, prices=(350,), name="Fromagerie du Val")
    farm.producer.members.add(farmer)
    tomme = Product.objects.create(
        producer=farm.producer,
        name="Tomme de vache",
        category="dairy",
        unit="g",
        quantity_per_unit=500,
        price_cents=950,
        sold_by_weight=True,
    )
    offer = Offer.objects.create(
        catalogue=farm.offers[0].catalogue, product=tomme, price_cents=950, quantity=5, remaining=5
    )
    order = place_order(
        household=household, distribution=distribution, lines={offer.pk: 2}, idempotency_key="w"
    )
    pay_order(order=order, payment_method=VISA)
    with time_machine.travel(distribution.cutoff_at + timedelta(minutes=1)):
        close_distribution(distribution=distribution)

    page.set_viewport_size({"width": 390, "height": 844})
    _log_in(page, live_server.url, farmer)
    page.goto(f"{live_server.url}/producteur/{farm.producer.slug}/ventes/{distribution.pk}/pesees/")
    expect(page.locator(".weigh-count")).to_have_text("1 ligne à peser")
    field = page.get_by_label("Poids réel (g)")
    expect(field).to_have_attribute("inputmode", "numeric")
    assert field.bounding_box()["height"] >= 44
    field.fill("1040")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".message-success")).to_contain_text("Tomme de vache pesé : 19,76\u00a0€")
    expect(page.locator(".weighed-price")).to_contain_text("1,04\u00a0kg, 19,76\u00a0€")
    expect(page.locator(".weigh-count")).to_have_text("0 ligne à peser")
    _fits(page, "weighing page")
    page.screenshot(path=artifacts_dir / "weigh-farm-390.png", full_page=True)

    _log_in(page, live_server.url, household)
    page.goto(f"{live_server.url}/commandes/{order.pk}/recu/")
    line = page.locator(".receipt-seller", has_text="Tomme de vache")
    expect(line).to_contain_text("Poids réel : 1,04\u00a0kg · 19,00\u00a0€ / kg")
    expect(page.locator(".receipt-total")).to_have_text("19,76\u00a0€")
    assert Order.objects.get(pk=order.pk).total_cents == 1976
    _fits(page, "receipt")
    page.screenshot(path=artifacts_dir / "weigh-receipt-390.png", full_page=True)
