"""Invoices on a phone. A household that bought vegetables and a juice from a farm opens its
order once the sale is over, sees the farm's invoice named under the order, goes to « Mes
factures » and downloads the invoice: a PDF made out in the farm's name by Circuit Court
(« Autofacturation »), with its number and the total paid. A member of the farm opens the
farm's dashboard, follows « Factures émises à votre nom », sees the month's invoices and
downloads the month as one ZIP: each invoice's PDF and a CSV summary for the accountant.
Neither page is wider than the phone's screen."""

import csv
import io
import zipfile
from contextlib import nullcontext

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from billing.invoice_reads import SUMMARY_HEADER
from billing.models import Invoice
from producers.models import Product
from tests.billing.invoicing import sell_and_finish, under_mandate
from tests.factories import DistributionFactory
from tests.orders.conftest import stocked_farm

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "invoices-pass-1234"
PHONE = {"width": 390, "height": 844}


def _no_capture(execute=False):
    """Outside a test transaction the on-commit callbacks (the invoice's PDF) run as each
    service commits, as in the other browser tests: nothing to capture."""
    return nullcontext()


def _with_password(user):
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def sold(fake_stripe):
    """A liable farm under mandate sold 3 kg of carrots at 3,00 € (5.5 %) and 2 juices at
    4,50 € (20 %), 18,00 €, to one household and 1 kg of carrots to another; the sale is
    final and invoiced."""
    distribution = DistributionFactory()
    farm = stocked_farm(distribution, prices=(300, 450), name="Ferme des Tilleuls")
    Product.objects.filter(pk=farm.offers[1].product_id).update(name="Jus de pomme", vat_rate=2000)
    Product.objects.filter(pk=farm.offers[0].product_id).update(name="Carottes")
    member = _with_password(under_mandate(farm.producer))
    (order, _other), _after = sell_and_finish(
        fake_stripe,
        _no_capture,
        distribution,
        [
            ("a", [(farm.offers[0], 3), (farm.offers[1], 2)]),
            ("b", [(farm.offers[0], 1)]),
        ],
        [farm.producer],
    )
    assert Invoice.objects.filter(producer=farm.producer).count() == 2
    return farm.producer, member, order, Invoice.objects.get(order=order)


def _log_in(page: Page, base: str, email: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/compte/connexion/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.locator(".nav-user")).to_be_visible()


def _no_sideways_scroll(page: Page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{what} is {width}px wide on a {PHONE['width']}px screen"


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_a_household_downloads_its_invoice_from_its_order_on_a_phone(
    live_server, page: Page, artifacts_dir, sold
):
    _farm, _member, order, invoice = sold
    household = _with_password(order.household)
    _log_in(page, live_server.url, household.email)

    # The order's page names the farm's invoice.
    page.goto(f"{live_server.url}/commandes/{order.pk}/")
    listed = page.locator("ul.order-invoices li")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text(f"Facture {invoice.number}")
    expect(listed).to_contain_text("Ferme des Tilleuls")
    expect(listed.get_by_role("link")).to_have_attribute("href", f"/factures/{invoice.number}.pdf")

    # « Mes factures », from the account page.
    page.goto(f"{live_server.url}/compte/")
    page.get_by_role("link", name="Mes factures").click()
    expect(page.locator("h1")).to_have_text("Mes factures")
    row = page.locator(f'tr[data-invoice="{invoice.number}"]')
    expect(row).to_contain_text("Ferme des Tilleuls")
    expect(row.locator("td.num")).to_have_text("18,00\u00a0€")
    expect(page.locator("tr[data-invoice]")).to_have_count(1)  # not the other household's
    _no_sideways_scroll(page, "« Mes factures »")
    page.screenshot(path=artifacts_dir / "invoices-household-390.png", full_page=True)

    with page.expect_download() as download:
        row.get_by_role("link", name=f"Facture {invoice.number}").click()
    assert download.value.suggested_filename == f"{invoice.number}.pdf"
    path = artifacts_dir / "invoice-household.pdf"
    download.value.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    text = _pdf_text(data)
    for mention in [invoice.number, "Autofacturation", "EARL des Tilleuls", "18,00 €"]:
        assert mention in text, mention


def test_a_farm_member_downloads_the_month_of_invoices_on_a_phone(
    live_server, page: Page, artifacts_dir, sold
):
    producer, member, _order, _invoice = sold
    invoices = list(Invoice.objects.filter(producer=producer).order_by("number"))
    month = timezone.localtime(invoices[0].issued_at).date()
    _log_in(page, live_server.url, member.email)

    page.goto(f"{live_server.url}/producteur/{producer.slug}/")
    page.get_by_role("link", name="Factures émises à votre nom").click()
    expect(page).to_have_url(f"{live_server.url}/producteur/{producer.slug}/factures/")
    expect(page.locator("h1")).to_contain_text("Ferme des Tilleuls")
    expect(page.locator(".invoice-mandate")).to_contain_text("Jeanne Leroy")
    for invoice in invoices:
        expect(page.locator(f'tr[data-invoice="{invoice.number}"]')).to_be_visible()
    expect(page.locator("tr[data-invoice]")).to_have_count(len(invoices))
    _no_sideways_scroll(page, "the farm's invoices page")
    page.screenshot(path=artifacts_dir / "invoices-farm-390.png", full_page=True)

    link = page.get_by_role("link", name="Télécharger le mois (ZIP des PDF et récapitulatif CSV)")
    expect(link).to_have_attribute(
        "href", f"/producteur/{producer.slug}/factures/{month:%Y-%m}.zip"
    )
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == f"factures-{producer.slug}-{month:%Y-%m}.zip"
    path = artifacts_dir / "invoices-farm-month.zip"
    download.value.save_as(path)

    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        summary = f"factures-{month:%Y-%m}.csv"
        assert names == {f"{i.number}.pdf" for i in invoices} | {summary}
        for invoice in invoices:
            assert archive.read(f"{invoice.number}.pdf").startswith(b"%PDF")
        rows = list(
            csv.reader(io.StringIO(archive.read(summary).decode("utf-8-sig")), delimiter=";")
        )
    assert rows[0][: len(SUMMARY_HEADER)] == SUMMARY_HEADER
    assert rows[0][0] == "Numéro" and rows[0][-1] == "Total TTC (EUR)"
    assert [row[0] for row in rows[1:]] == [i.number for i in invoices]
