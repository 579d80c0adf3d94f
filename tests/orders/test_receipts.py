"""Every order has a receipt: the lines per farm with the VAT rate each line snapshotted, the
VAT per rate, and the money as the ledgers tell it (credit used, card charged, refunds to the
card and to credit); provisional until the close. Page, PDF and API."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import formats, timezone, translation
from pypdf import PdfReader

from orders import selectors
from orders.models import Order
from orders.services import change_order, close_distribution, pay_order, place_order
from orders.services.prepaid import place_prepaid_order
from payments.errors import CardDeclined
from payments.models import CreditEntry
from payments.services.wallet import add_credit, set_refund_preference
from producers.models import Product
from tests.factories import UserFactory
from tests.payments.fakes import DECLINED, VISA

pytestmark = pytest.mark.django_db

SPACES = {"\u00a0": " ", "\u202f": " "}


def _plain(text: str) -> str:
    for space, plain in SPACES.items():
        text = text.replace(space, plain)
    return text


def _rates(market):
    """Apples 3,00 € at 5,5 %, honey (farm B) 4,35 € at 10 %, pears 1,99 € at 20 %."""
    apples, pears = market.a.offers
    (honey,) = market.b.offers
    for offer, rate in ((apples, 550), (pears, 2000), (honey, 1000)):
        Product.objects.filter(pk=offer.product_id).update(vat_rate=rate)
        offer.product.refresh_from_db()
    return apples, pears, honey


def _credited(household, cents):
    add_credit(
        household=household,
        amount_cents=cents,
        reason=CreditEntry.Reason.ADJUSTMENT,
        reference="gift",
    )


@pytest.fixture
def closed_order(far_market, fake_stripe):
    """A far order (captured at once) paid 5,00 € with credit and 12,33 € by card; the pears
    lowered before the cutoff (1,99 € back to the card); at the close farm B misses its
    minimum (its honey not sold: what the card paid for it comes back)."""
    market = far_market
    apples, pears, honey = _rates(market)
    _credited(market.household, 500)
    order = place_order(
        household=market.household,
        distribution=market.distribution,
        lines={apples.pk: 3, pears.pk: 2, honey.pk: 1},
        idempotency_key="receipt",
    )
    pay_order(order=order, payment_method=VISA)
    order = Order.objects.get(pk=order.pk)
    pear_line = order.lines.get(offer=pears)
    change_order(order=order, quantities={pear_line.pk: 1})
    market.order = Order.objects.get(pk=order.pk)
    return market


def _close(market):
    with time_machine.travel(market.distribution.cutoff_at + timedelta(minutes=1)):
        assert close_distribution(distribution=market.distribution)
    return Order.objects.get(pk=market.order.pk)


def test_each_line_snapshots_its_products_vat_rate(market):
    apples, pears, honey = _rates(market)
    order = place_order(
        household=market.household,
        distribution=market.distribution,
        lines={apples.pk: 1, pears.pk: 1, honey.pk: 1},
        idempotency_key="k",
    )
    rates = {line.offer_id: line.vat_rate for line in order.lines.all()}
    assert rates == {apples.pk: 550, pears.pk: 2000, honey.pk: 1000}
    # The rate is the line's from then on: changing the product later changes no line.
    Product.objects.filter(pk=pears.product_id).update(vat_rate=550)
    assert order.lines.get(offer=pears).vat_rate == 2000


def test_a_prepaid_basket_line_snapshots_its_vat_rate_too(market):
    (honey,) = market.b.offers
    Product.objects.filter(pk=honey.product_id).update(vat_rate=2000)
    honey.product.refresh_from_db()
    order = place_prepaid_order(
        household_id=market.household.pk,
        distribution=market.distribution,
        offer=honey,
        unit_price_cents=1500,
        key="basket-1",
    )
    assert order.lines.get().vat_rate == 2000


def test_a_receipt_before_the_close_is_provisional_and_shows_what_was_paid(closed_order):
    receipt = selectors.receipt(closed_order.order)
    assert receipt.provisional is True
    # 3 × 3,00 + 1 × 1,99 + 4,35 = 15,34 € still ordered.
    assert receipt.total_cents == 1534
    assert receipt.credit_used_cents == 500
    assert [(c.status, c.amount_cents, c.brand, c.last4) for c in receipt.cards] == [
        ("charged", 1233, "visa", "4242")
    ]
    assert [(r.to, r.amount_cents) for r in receipt.refunds] == [("card", 199)]
    assert receipt.kept_cents == receipt.total_cents


def test_after_the_close_the_receipt_has_the_final_amounts_from_the_ledgers(closed_order):
    order = _close(closed_order)
    receipt = selectors.receipt(order)

    assert receipt.provisional is False
    by_farm = {seller.name: seller for seller in receipt.sellers}
    assert by_farm[closed_order.a.producer.name].total_cents == 900 + 199
    assert by_farm[closed_order.b.producer.name].total_cents == 0  # honey not sold
    assert [line.status for line in by_farm[closed_order.b.producer.name].lines] == ["cancelled"]
    # VAT per rate on the kept lines: 9,00 € at 5,5 % (0,47 €), 1,99 € at 20 % (0,33 €).
    assert [
        (r.rate, r.total_incl_cents, r.vat_cents, r.total_excl_cents) for r in receipt.vat.rates
    ] == [
        (550, 900, 47, 853),
        (2000, 199, 33, 166),
    ]
    assert receipt.total_cents == order.total_cents == 1099
    assert receipt.credit_used_cents == 500
    assert receipt.card_charged_cents == 1233
    # Back to the card: the pear before the cutoff, then what the card paid for the honey.
    assert [(r.to, r.amount_cents) for r in receipt.refunds] == [("card", 199), ("card", 435)]
    assert receipt.kept_cents == 500 + 1233 - 634 == order.total_cents


def test_money_kept_as_credit_at_the_close_is_a_credit_refund_counted_once(closed_order):
    set_refund_preference(household=closed_order.household, to_credit=True)
    order = _close(closed_order)
    receipt = selectors.receipt(order)

    assert [(r.to, r.amount_cents) for r in receipt.refunds] == [("card", 199), ("credit", 435)]
    assert (receipt.card_refunded_cents, receipt.credit_refunded_cents) == (199, 435)
    assert receipt.kept_cents == order.total_cents == 1099


def test_a_hold_is_not_paid_yet_and_credit_comes_back_to_the_credit(market, fake_stripe):
    apples, _pears, _honey = _rates(market)
    _credited(market.household, 400)
    order = place_order(
        household=market.household,
        distribution=market.distribution,
        lines={apples.pk: 3},
        idempotency_key="k",
    )
    # A declined card first: the credit it spent came back, so it used none.
    with pytest.raises(CardDeclined):
        pay_order(order=order, payment_method=DECLINED)
    pay_order(order=order, payment_method=VISA)
    line = order.lines.get()
    change_order(order=Order.objects.get(pk=order.pk), quantities={line.pk: 2})  # 6,00 €

    receipt = selectors.receipt(Order.objects.get(pk=order.pk))
    assert receipt.provisional is True
    assert receipt.credit_used_cents == 400
    # The cutoff is 2 days away: 5,00 € held on the card, 2,00 € of it to be charged.
    assert [(c.status, c.amount_cents) for c in receipt.cards] == [("authorised", 500)]
    assert (receipt.paid_cents, receipt.due_cents, receipt.refunds) == (400, 200, [])

    change_order(order=Order.objects.get(pk=order.pk), quantities={line.pk: 1})  # 3,00 €
    receipt = selectors.receipt(Order.objects.get(pk=order.pk))
    # Credit paid first, so credit is what comes back; the hold is released.
    assert receipt.cards == [] and receipt.due_cents == 0
    assert [(r.to, r.amount_cents) for r in receipt.refunds] == [("credit", 100)]
    assert receipt.kept_cents == receipt.total_cents == 300


def test_the_receipt_reads_a_fixed_number_of_queries(closed_order, django_assert_max_num_queries):
    order = _close(closed_order)
    with django_assert_max_num_queries(5):
        receipt = selectors.receipt(order)
        assert [line for seller in receipt.sellers for line in seller.lines]


# --- The page, the PDF and the API ----------------------------------------------------------


def test_the_receipt_page_is_its_households_and_staffs_only(client, closed_order):
    order = _close(closed_order)
    url = reverse("frontend:orders:receipt", args=[order.pk])

    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.get(reverse("frontend:orders:receipt_pdf", args=[order.pk])).status_code == 404
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 200
    client.force_login(closed_order.household)
    response = client.get(url)
    html = _plain(response.content.decode())

    assert response.status_code == 200
    assert "Reçu" in html and "provisoire" not in html
    assert closed_order.a.producer.name in html and closed_order.a.producer.address in html
    assert "TVA 5,5 %" in html and "TVA 20 %" in html and "TVA 10 %" not in html
    assert "0,47 €" in html and "0,33 €" in html and "10,99 €" in html
    assert "Avoir utilisé" in html and "VISA •••• 4242" in html
    assert "Remboursé sur votre carte" in html and "−4,35 €" in html
    with translation.override("fr"):
        placed = formats.date_format(timezone.localtime(order.created_at), "j F Y")
    assert placed in html  # "8 décembre 2026"
    detail = client.get(reverse("frontend:orders:detail", args=[order.pk])).content.decode()
    assert url in detail


def test_a_receipt_before_the_close_says_it_is_provisional(client, closed_order):
    client.force_login(closed_order.household)
    html = client.get(reverse("frontend:orders:receipt", args=[closed_order.order.pk])).content
    assert "Reçu provisoire" in html.decode()


def test_the_pdf_receipt_has_the_vat_per_rate_and_the_amounts(client, closed_order):
    order = _close(closed_order)
    client.force_login(closed_order.household)
    response = client.get(reverse("frontend:orders:receipt_pdf", args=[order.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"recu-commande-{order.pk}.pdf" in response["Content-Disposition"]
    text = _plain(
        "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    )
    assert "TVA 5,5 %" in text and "TVA 20 %" in text
    for amount in ("8,53 €", "0,47 €", "1,66 €", "0,33 €", "10,99 €", "12,33 €", "−4,35 €"):
        assert amount in text
    assert closed_order.b.producer.name in text and "Reçu" in text


def test_the_api_gives_the_receipt_as_json_and_as_pdf(api_client, closed_order):
    order = _close(closed_order)
    url = f"/api/v1/orders/{order.pk}/receipt/"
    api_client.force_authenticate(UserFactory())
    assert api_client.get(url).json()["code"] == "not_found"
    refused = api_client.get(url, {"format": "pdf"})
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"

    api_client.force_authenticate(closed_order.household)
    data = api_client.get(url).json()
    assert data["provisional"] is False and data["status"] == "confirmed"
    assert [(v["rate"], v["label"], v["vat_cents"]) for v in data["vat"]] == [
        (550, "5,5\u00a0%", 47),
        (2000, "20\u00a0%", 33),
    ]
    assert (data["total_incl_cents"], data["vat_cents"], data["total_excl_cents"]) == (
        1099,
        80,
        1019,
    )
    assert data["credit_used_cents"] == 500 and data["refunded_cents"] == 634
    assert data["cards"][0]["amount_cents"] == 1233 and data["cards"][0]["last4"] == "4242"
    assert (data["kept_cents"], data["due_cents"]) == (1099, 0)
    honey = next(s for s in data["sellers"] if s["producer"] == closed_order.b.producer.pk)
    assert honey["lines"][0]["status"] == "cancelled" and honey["lines"][0]["vat_rate"] == 1000

    pdf = api_client.get(url, {"format": "pdf"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_a_prepaid_basket_order_receipt_says_the_season_paid_it(client, market):
    (honey,) = market.b.offers
    Product.objects.filter(pk=honey.product_id).update(vat_rate=550)
    honey.product.refresh_from_db()
    order = place_prepaid_order(
        household_id=market.household.pk,
        distribution=market.distribution,
        offer=honey,
        unit_price_cents=1500,
        key="basket-1",
    )
    receipt = selectors.receipt(order)
    assert (receipt.prepaid_cents, receipt.credit_used_cents, receipt.cards) == (1500, 0, [])
    assert receipt.kept_cents == receipt.total_cents == 1500
    assert [(r.rate, r.vat_cents) for r in receipt.vat.rates] == [(550, 78)]  # 78,20

    client.force_login(market.household)
    html = client.get(reverse("frontend:orders:receipt", args=[order.pk])).content.decode()
    assert "Payé d’avance par votre abonnement au panier" in html


def test_the_receipt_in_english_writes_rates_the_english_way(client, closed_order, settings):
    order = _close(closed_order)
    client.force_login(closed_order.household)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("frontend:orders:receipt", args=[order.pk])).content.decode()
    assert "VAT 5.5%" in html and "VAT 20%" in html and "€10.99" in html
    assert "Credit used" in html
