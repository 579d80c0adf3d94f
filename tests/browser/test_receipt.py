"""A household, on a phone, opens the receipt of an order it paid partly with credit, whose
farm missed its minimum at the close: the lines per farm, the VAT per rate written the French
way, the credit, the card and the refund, nothing wider than the screen."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from orders.models import Order
from orders.services import close_distribution, pay_order, place_order
from payments.models import CreditEntry
from payments.services.wallet import add_credit
from producers.models import Product
from tests.factories import DistributionFactory, UserFactory
from tests.orders.conftest import stocked_farm
from tests.payments.fakes import VISA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "receipt-pass-1234"


def _closed_order(household) -> Order:
    starts = (timezone.now() + timedelta(days=9)).replace(second=0, microsecond=0)
    distribution = DistributionFactory(
        starts_at=starts, opens_at=timezone.now() - timedelta(hours=1)
    )
    vegetables = stocked_farm(distribution, prices=(350, 199), name="Ferme des Trois Chênes")
    dairy = stocked_farm(distribution, prices=(640,), minimum_cents=5000, name="Fromagerie du Val")
    (carrots, juice), (cheese,) = vegetables.offers, dairy.offers
    for offer, name, rate in (
        (carrots, "Carottes des sables", 550),
        (juice, "Jus de pomme pétillant", 2000),
        (cheese, "Tomme de vache", 550),
    ):
        Product.objects.filter(pk=offer.product_id).update(name=name, vat_rate=rate)
    add_credit(household=household, amount_cents=450, reason=CreditEntry.Reason.SKIP, reference="w")
    order = place_order(
        household=household,
        distribution=distribution,
        lines={carrots.pk: 2, juice.pk: 3, cheese.pk: 1},
        idempotency_key="receipt",
    )
    pay_order(order=order, payment_method=VISA)
    with time_machine.travel(distribution.cutoff_at + timedelta(minutes=1)):
        close_distribution(distribution=distribution)
    return Order.objects.get(pk=order.pk)


def test_a_household_reads_its_receipt_with_vat_per_rate_on_a_phone(
    live_server, page: Page, artifacts_dir, fake_stripe
):
    household = UserFactory(full_name="Camille Martin")
    household.set_password(PASSWORD)
    household.save()
    order = _closed_order(household)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/compte/connexion/")
    page.locator("#id_username").fill(household.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.locator(".site-nav")).to_contain_text("Mes commandes")
    page.goto(f"{live_server.url}/commandes/{order.pk}/")
    page.locator(".receipt-link a").first.click()

    expect(page.locator("h1")).to_have_text("Reçu")
    expect(page.locator('[data-vat-rate="550"] th')).to_have_text("TVA 5,5\u00a0%")
    expect(page.locator('[data-vat-rate="2000"] th')).to_have_text("TVA 20\u00a0%")
    # 2 × 3,50 € at 5,5 % (0,36 € of VAT) and 3 × 1,99 € at 20 % (1,00 €): 12,97 €.
    expect(page.locator('[data-vat-rate="550"]')).to_contain_text("0,36\u00a0€")
    expect(page.locator('[data-vat-rate="2000"]')).to_contain_text("1,00\u00a0€")
    expect(page.locator(".receipt-total")).to_have_text("12,97\u00a0€")
    expect(page.locator('[data-money="credit"]')).to_contain_text("4,50\u00a0€")
    expect(page.locator('[data-money="card-charged"]')).to_contain_text("VISA •••• 4242")
    expect(page.locator('[data-money="refund-card"]')).to_contain_text("6,40\u00a0€")
    expect(page.locator('[data-money="kept"]')).to_contain_text("12,97\u00a0€")
    expect(page.locator(".receipt-seller", has_text="Fromagerie du Val")).to_contain_text(
        "Non facturé"
    )
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the receipt is {width}px wide on a 390px screen"
    page.screenshot(path=artifacts_dir / "receipt-390.png", full_page=True)

    with page.expect_download() as download:
        page.locator("a[download]").click()
    assert download.value.suggested_filename == f"recu-commande-{order.pk}.pdf"
    download.value.save_as(artifacts_dir / "receipt.pdf")
