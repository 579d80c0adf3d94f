"""Sales invoices in the farm's name: one per order and farm once the sale is final, only
under the farm's mandate; a later correction issues a credit note naming the invoice; the
numbers of a series follow each other; an issued invoice never changes."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from pypdf import PdfReader

from billing.documents import invoice_pdf
from billing.invoicing import invoiced_per_line, issue_due_invoices, next_number
from billing.models import Invoice
from billing.services import pay_due_distributions
from orders.models import Order, OrderLine
from producers.models import Product
from tests.billing.invoicing import FRANCHISE, LIABLE, sell_and_finish, under_mandate
from tests.billing.test_payouts import _mark
from tests.factories import DistributionFactory, UserFactory
from tests.orders.conftest import stocked_farm

pytestmark = pytest.mark.django_db


def _text(invoice) -> str:
    reader = PdfReader(io.BytesIO(invoice_pdf(invoice.pk)))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def week(fake_stripe, django_capture_on_commit_callbacks):
    """A liable farm (under mandate) selling vegetables at 5.5 % and a juice at 20 %, and a
    farm without a mandate, to two households."""
    capture = django_capture_on_commit_callbacks
    distribution = DistributionFactory()
    farm = stocked_farm(distribution, prices=(300, 450), name="Ferme des Tilleuls")
    Product.objects.filter(pk=farm.offers[1].product_id).update(vat_rate=2000)
    under_mandate(farm.producer)
    other = stocked_farm(distribution, prices=(250,), name="Ferme sans mandat")
    orders, after = sell_and_finish(
        fake_stripe,
        capture,
        distribution,
        [
            ("a", [(farm.offers[0], 3), (farm.offers[1], 2), (other.offers[0], 1)]),
            ("b", [(farm.offers[0], 1)]),
        ],
        [farm.producer, other.producer],
    )
    return distribution, farm, other, orders, after


def test_the_final_sale_issues_one_invoice_per_order_and_farm_under_mandate(week):
    distribution, farm, _other, (first, second), _after = week
    invoices = list(Invoice.objects.order_by("number"))
    # Only the farm under mandate; one per order.
    assert [(i.order_id, i.producer_id, i.kind, i.document) for i in invoices] == [
        (first.pk, farm.producer.pk, "sale", "invoice"),
        (second.pk, farm.producer.pk, "sale", "invoice"),
    ]
    prefix = f"FV-P{farm.producer.pk}-{timezone.localtime(invoices[0].issued_at).year}"
    assert [i.number for i in invoices] == [f"{prefix}-000001", f"{prefix}-000002"]
    invoice = invoices[0]
    assert invoice.total_incl_cents == 900 + 900
    # VAT per rate, once per rate on the rate's total: 900 at 5.5 % and 900 at 20 %.
    assert invoice.vat_rates == [
        {"rate": 550, "total_incl_cents": 900, "total_excl_cents": 853, "vat_cents": 47},
        {"rate": 2000, "total_incl_cents": 900, "total_excl_cents": 750, "vat_cents": 150},
    ]
    assert invoice.vat_cents == 197 and invoice.total_excl_cents == 1603
    assert invoice.seller["siret"] == LIABLE["siret"]
    assert invoice.buyer["name"] == first.household.full_name
    assert invoice.delivery.startswith(distribution.pickup_point.name)
    # Run again: nothing more.
    assert issue_due_invoices() == 0
    pay_due_distributions()
    assert Invoice.objects.count() == 2


def test_the_pdf_carries_every_mention_and_is_stored_once(week):
    distribution, _farm, _other, (first, _second), _after = week
    invoice = Invoice.objects.get(order=first)
    text = _text(invoice)
    for mention in [
        "Facture",
        invoice.number,
        "Autofacturation",
        "au nom et pour le compte de EARL des Tilleuls",
        "SIRET : 73282932000074",
        "FR44732829320",
        first.household.full_name,
        "Livraison de biens",
        distribution.pickup_point.name,
        "5,5 %",
        "20 %",
        "8,53 €",  # base at 5.5 %
        "0,47 €",
        "1,50 €",
        "16,03 €",  # total excl. VAT
        "1,97 €",  # VAT
        "18,00 €",  # total incl. VAT
        "Payée le",
    ]:
        assert mention in text, mention
    invoice.refresh_from_db()
    stored = invoice.pdf.name
    assert stored and len(invoice.pdf_sha256) == 64
    assert invoice_pdf(invoice.pk) == invoice.pdf.open("rb").read()
    invoice.refresh_from_db()
    assert invoice.pdf.name == stored  # made once


def test_an_issued_invoice_is_never_changed_nor_deleted(week):
    invoice = Invoice.objects.first()
    invoice.total_incl_cents = 1
    with pytest.raises(ValueError):
        invoice.save()
    with pytest.raises(ValueError):
        invoice.delete()


def test_a_late_correction_issues_a_credit_note_naming_the_invoice(
    week, django_capture_on_commit_callbacks
):
    _distribution, farm, _other, (first, _second), after = week
    invoice = Invoice.objects.get(order=first)
    line = OrderLine.objects.get(order=first, offer=farm.offers[0])
    with time_machine.travel(after + timedelta(hours=1)):
        _mark(line, 1, django_capture_on_commit_callbacks)  # 3 sold, 1 delivered
    note = Invoice.objects.get(document="credit_note")
    assert note.corrects == invoice
    assert note.number == f"AV-P{farm.producer.pk}-{timezone.localtime(note.issued_at).year}-000001"
    assert note.total_incl_cents == 600
    assert [(row.description, row.quantity, row.total_incl_cents) for row in note.lines.all()] == [
        (line.product_name, 2, 600)
    ]
    assert invoiced_per_line(invoice)[line.pk] == (1, 300)
    # In the month's summary the credit note is negative, the French way.
    from billing.invoice_reads import summary_csv

    rows = summary_csv([invoice, note]).splitlines()
    assert rows[2].startswith(f"{note.number};Avoir sur vente;") and rows[2].endswith(";-6,00")
    text = _text(note)
    assert "Avoir" in text and f"facture n° {invoice.number}" in text
    # Nothing more on a second run.
    with time_machine.travel(after + timedelta(hours=2)):
        pay_due_distributions()
    assert Invoice.objects.filter(document="credit_note").count() == 1


def test_invoices_and_credit_notes_reconcile_with_what_households_paid(
    week, django_capture_on_commit_callbacks
):
    _distribution, farm, _other, (first, second), after = week
    capture = django_capture_on_commit_callbacks
    with time_machine.travel(after + timedelta(hours=1)):
        _mark(OrderLine.objects.get(order=second, offer=farm.offers[0]), 0, capture)
        _mark(OrderLine.objects.get(order=first, offer=farm.offers[0]), 2, capture)
    for order in (first, second):
        order = Order.objects.get(pk=order.pk)
        farm_lines = sum(
            line.total_cents for line in order.lines.filter(producer=farm.producer, status="active")
        )
        documents = Invoice.objects.filter(order=order, producer=farm.producer)
        invoiced = sum((-1 if d.is_credit_note else 1) * d.total_incl_cents for d in documents)
        assert invoiced == farm_lines
        # Per rate as well.
        for rate in {r["rate"] for d in documents for r in d.vat_rates}:
            per_rate = sum(
                (-1 if d.is_credit_note else 1) * r["total_incl_cents"]
                for d in documents
                for r in d.vat_rates
                if r["rate"] == rate
            )
            assert per_rate == sum(
                line.total_cents
                for line in order.lines.filter(
                    producer=farm.producer, status="active", vat_rate=rate
                )
            )
    # The second order is the mandated farm's only: what its household paid and kept (read
    # from the payments and refunds, not from the lines) is what its documents invoice.
    from orders.selectors import receipt

    order = Order.objects.get(pk=second.pk)
    kept = receipt(order).kept_cents
    documents = Invoice.objects.filter(order=order)
    assert kept == sum((-1 if d.is_credit_note else 1) * d.total_incl_cents for d in documents)
    assert kept == 0 and documents.filter(document="credit_note").exists()
    # The first also bought from a farm without mandate (not invoiced): the rest of it.
    order = Order.objects.get(pk=first.pk)
    invoiced = sum(
        (-1 if d.is_credit_note else 1) * d.total_incl_cents
        for d in Invoice.objects.filter(order=order)
    )
    assert receipt(order).kept_cents == invoiced + 250 and invoiced == 600 + 900


def test_no_invoice_before_the_sale_is_final_nor_without_mandate(
    fake_stripe, django_capture_on_commit_callbacks
):
    distribution = DistributionFactory()
    farm = stocked_farm(distribution, prices=(300,))
    member = under_mandate(farm.producer, FRANCHISE)
    farm.producer.members.remove(member)
    from tests.billing.test_payouts import _order

    _order(distribution, [(farm.offers[0], 1)], "early")
    assert issue_due_invoices() == 0  # open: not final
    assert not Invoice.objects.exists()


def test_a_farm_accepting_its_mandate_later_gets_its_invoices(
    fake_stripe, django_capture_on_commit_callbacks
):
    from billing.mandates import accept_mandate

    capture = django_capture_on_commit_callbacks
    distribution = DistributionFactory()
    farm = stocked_farm(distribution, prices=(300,))
    producer = farm.producer
    for field, value in FRANCHISE.items():
        setattr(producer, field, value)
    producer.save()
    sell_and_finish(fake_stripe, capture, distribution, [("x", [(farm.offers[0], 2)])], [producer])
    assert not Invoice.objects.exists()
    with capture(execute=True):
        accept_mandate(kind="producer", ref=producer.pk, name=producer.name, by=UserFactory())
    invoice = Invoice.objects.get()
    # Under the franchise: no VAT, the 293 B mention.
    assert invoice.vat_liable is False and invoice.vat_cents == 0
    assert invoice.vat_rates == [
        {"rate": 0, "total_incl_cents": 600, "total_excl_cents": 600, "vat_cents": 0}
    ]
    assert "TVA non applicable, art. 293 B du CGI" in _text(invoice)


@pytest.mark.django_db(transaction=True)
def test_a_number_is_only_taken_inside_the_issuing_transaction():
    with pytest.raises(RuntimeError):
        next_number("FV-P1", 2026)


# --- Pages and API -------------------------------------------------------------------------


def test_the_household_finds_its_invoices_and_opens_the_pdf(client, week):
    _distribution, _farm, _other, (first, second), _after = week
    invoice = Invoice.objects.get(order=first)
    client.force_login(first.household)
    page = client.get("/compte/factures/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert invoice.number in page and "Mes factures" in page
    assert Invoice.objects.get(order=second).number not in page
    detail = client.get(f"/commandes/{first.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert f"/factures/{invoice.number}.pdf" in detail
    pdf = client.get(f"/factures/{invoice.number}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    # Someone else's invoice: 404, as if it did not exist.
    other = Invoice.objects.get(order=second).number
    assert client.get(f"/factures/{other}.pdf").status_code == 404
    assert client.get("/factures/FV-P1-2026-999999.pdf").status_code == 404


def test_the_farm_lists_its_month_and_downloads_the_zip(client, week):
    import csv
    import zipfile

    _distribution, farm, other, _orders, _after = week
    member = farm.producer.members.get()
    client.force_login(member)
    page = client.get(
        f"/producteur/{farm.producer.slug}/factures/", HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    invoices = list(Invoice.objects.order_by("number"))
    assert all(i.number in page for i in invoices)
    assert "2 documents ce mois-ci" in page and "Accepté le" in page
    month = f"{timezone.localtime(invoices[0].issued_at):%Y-%m}"
    response = client.get(f"/producteur/{farm.producer.slug}/factures/{month}.zip")
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = sorted(archive.namelist())
    assert names == sorted([f"{i.number}.pdf" for i in invoices] + [f"factures-{month}.csv"])
    rows = list(
        csv.reader(
            io.StringIO(archive.read(f"factures-{month}.csv").decode("utf-8-sig")), delimiter=";"
        )
    )
    assert rows[0] == [
        "Numéro", "Type", "Date", "Acheteur", "Facture corrigée", "Total HT (EUR)",
        "TVA 5,5\u00a0% (EUR)", "TVA 20\u00a0% (EUR)", "Total TVA (EUR)", "Total TTC (EUR)",
    ]  # fmt: skip
    assert rows[1][0] == invoices[0].number and rows[1][-1] == "18,00" and rows[1][-3] == "1,50"
    assert rows[1][2] == f"{timezone.localtime(invoices[0].issued_at):%d/%m/%Y}"  # French date
    # A bad month is a 404; another farm's page too.
    assert client.get(f"/producteur/{farm.producer.slug}/factures/?mois=2026-13").status_code == 404
    assert client.get(f"/producteur/{other.producer.slug}/factures/").status_code == 404


def test_the_api_lists_a_farms_month_and_gives_json_or_pdf(week):
    from rest_framework.test import APIClient

    _distribution, farm, other, (first, _second), _after = week
    api = APIClient()
    api.force_authenticate(farm.producer.members.get())
    invoice = Invoice.objects.get(order=first)
    month = f"{timezone.localtime(invoice.issued_at):%Y-%m}"
    listed = api.get(f"/api/v1/producers/{farm.producer.pk}/invoices/", {"month": month})
    assert listed.status_code == 200
    body = listed.json()
    results = body["results"] if isinstance(body, dict) else body
    assert sorted(r["number"] for r in results) == sorted(
        Invoice.objects.values_list("number", flat=True)
    )
    assert (
        api.get(f"/api/v1/producers/{farm.producer.pk}/invoices/", {"month": "2026-1"}).json()[
            "code"
        ]
        == "invalid_month"
    )
    assert api.get(f"/api/v1/producers/{other.producer.pk}/invoices/").status_code == 404

    detail = api.get(f"/api/v1/invoices/{invoice.number}/").json()
    assert detail["total_incl_cents"] == 1800 and detail["vat_cents"] == 197
    assert [r["rate"] for r in detail["vat_rates"]] == [550, 2000]
    assert detail["pdf_url"] == f"/api/v1/invoices/{invoice.number}.pdf"
    pdf = api.get(f"/api/v1/invoices/{invoice.number}/", HTTP_ACCEPT="application/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert api.get(detail["pdf_url"]).content.startswith(b"%PDF")
    # A refusal is JSON with its code, even to a client asking for a PDF.
    missing = api.get("/api/v1/invoices/FV-P1-2026-999999/", HTTP_ACCEPT="application/pdf")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    missing = api.get("/api/v1/invoices/FV-P1-2026-999999.pdf")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"

    household = APIClient()
    household.force_authenticate(first.household)
    assert household.get(f"/api/v1/invoices/{invoice.number}/").status_code == 200
    stranger = APIClient()
    stranger.force_authenticate(UserFactory())
    assert stranger.get(f"/api/v1/invoices/{invoice.number}/").status_code == 404


def test_reconcile_checks_the_series_the_totals_and_what_was_sold(
    week, django_capture_on_commit_callbacks
):
    from billing.models import InvoiceLine, InvoiceSequence
    from payments.reconcile import reconcile

    _distribution, farm, _other, (first, _second), after = week
    with time_machine.travel(after + timedelta(hours=1)):
        _mark(
            OrderLine.objects.get(order=first, offer=farm.offers[1]),
            1,
            django_capture_on_commit_callbacks,
        )
    assert reconcile().problems == []
    # What a tampered database looks like to the check (bypassing the model's refusal).
    invoice = Invoice.objects.get(order=first, document="invoice")
    InvoiceLine.objects.filter(invoice=invoice, position=1).update(total_incl_cents=1)
    InvoiceSequence.objects.filter(prefix=f"FV-P{farm.producer.pk}").update(last=3)
    problems = reconcile().problems
    assert any(f"invoice {invoice.number}: its lines do not add up" in p for p in problems)
    assert any(f"series FV-P{farm.producer.pk}-" in p and "without a gap" in p for p in problems)
    OrderLine.objects.filter(order=first, offer=farm.offers[0]).update(quantity=2)
    assert any(
        f"invoice {invoice.number}: invoices" in p and "the order's lines" in p
        for p in reconcile().problems
    )


def test_invoices_are_in_the_export_and_survive_the_erasure(week):
    from accounts.erasure import erase_account
    from accounts.exports import build_export

    _distribution, _farm, _other, (first, _second), _after = week
    household = first.household
    name = household.full_name
    invoice = Invoice.objects.get(order=first)
    import zipfile

    export = zipfile.ZipFile(io.BytesIO(build_export(user=household)))
    name_of = next(n for n in export.namelist() if n.endswith("invoices.json"))
    assert invoice.number in export.read(name_of).decode()
    pdf_before = invoice_pdf(invoice.pk)
    erase_account(user=household)
    invoice.refresh_from_db()
    assert invoice.buyer["name"] == name  # the invoice keeps what it said
    assert invoice_pdf(invoice.pk) == pdf_before


def test_the_operator_downloads_any_invoices_as_one_zip(operator, week):
    import zipfile

    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    listing = operator.get("/admin/billing/invoice/")
    assert listing.status_code == 200 and numbers[0] in listing.content.decode()
    response = operator.post(
        "/admin/billing/invoice/",
        {
            "action": "download_zip",
            "_selected_action": list(Invoice.objects.values_list("pk", flat=True)),
        },
    )
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert sorted(n for n in names if n.endswith(".pdf")) == [f"{n}.pdf" for n in numbers]


def test_a_stored_pdf_lost_is_made_again_and_an_altered_one_refused(week, caplog):
    invoice = Invoice.objects.get(order=week[3][0])
    first = invoice_pdf(invoice.pk)
    invoice.refresh_from_db()
    invoice.pdf.storage.delete(invoice.pdf.name)
    again = invoice_pdf(invoice.pk)
    assert again.startswith(b"%PDF") and "missing: made again" in caplog.text
    invoice.refresh_from_db()
    assert invoice.pdf.storage.exists(invoice.pdf.name) and first != b""
    with invoice.pdf.storage.open(invoice.pdf.name, "wb") as altered:
        altered.write(b"%PDF-1.7 not the invoice")
    with pytest.raises(ValueError, match="altered"):
        invoice_pdf(invoice.pk)


# --- What an outside review found ----------------------------------------------------------


def test_a_late_correction_settled_after_the_payout_job_still_gets_its_credit_note(
    fake_stripe, django_capture_on_commit_callbacks
):
    from billing.services import settle_distribution_payouts
    from orders.services.closing import settle_order
    from orders.services.corrections import mark_delivered
    from payments.reconcile import reconcile

    capture = django_capture_on_commit_callbacks
    distribution = DistributionFactory()
    farm = stocked_farm(distribution, prices=(300,))
    under_mandate(farm.producer)
    (order,), after = sell_and_finish(
        fake_stripe, capture, distribution, [("o", [(farm.offers[0], 3)])], [farm.producer]
    )
    late = after + timedelta(days=40)  # past the payouts' own re-checks
    with time_machine.travel(late):
        with capture(execute=False):
            mark_delivered(producer=farm.producer, line_id=order.lines.get().pk, delivered=1)
        # A worker runs the payout job before the settlement: not final yet, no note.
        settle_distribution_payouts(distribution_id=distribution.pk)
        assert not Invoice.objects.filter(document="credit_note").exists()
        with capture(execute=True):
            settle_order(order_id=order.pk)
    assert any("invoices 9,00" in p for p in reconcile().problems)
    with time_machine.travel(late + timedelta(hours=1)), capture(execute=True):
        assert issue_due_invoices() == 1  # the hourly sweep
    assert Invoice.objects.get(document="credit_note").total_incl_cents == 600
    assert reconcile().problems == []


def test_a_piece_invoiced_at_its_estimate_then_weighed_is_credited_an_amount(
    fake_stripe, django_capture_on_commit_callbacks
):
    from orders.services.weighing import charge_unweighed_orders, enter_weight
    from tests.orders.conftest import weighed_offer

    capture = django_capture_on_commit_callbacks
    distribution = DistributionFactory()
    farm = stocked_farm(distribution, prices=(300,))
    cheese = weighed_offer(farm, name="Tomme", grams=500, price=950)
    under_mandate(farm.producer)
    (order,), after = sell_and_finish(
        fake_stripe, capture, distribution, [("w", [(cheese, 1)])], [farm.producer]
    )
    with time_machine.travel(after), capture(execute=True):
        charge_unweighed_orders()  # the sweep: never weighed, charged at its estimate
        pay_due_distributions()
    invoice = Invoice.objects.get()
    line = order.lines.get()
    # Never weighed by the handover: charged (and invoiced) at its estimate, as one piece.
    assert line.weight_g is None and line.weighed_cents == 950
    assert [(r.quantity, r.unit) for r in invoice.lines.all()] == [(1, "")]
    with time_machine.travel(after + timedelta(hours=1)), capture(execute=True):
        enter_weight(producer=farm.producer, line_id=line.pk, weight_g=300)
        pay_due_distributions()
    line.refresh_from_db()
    note = Invoice.objects.get(document="credit_note")
    (row,) = note.lines.all()
    assert (row.quantity, row.unit) == (1, "")  # an amount, not "1 piece − 0,3 kg"
    assert note.total_incl_cents == 950 - line.total_cents > 0


def test_a_credit_note_says_what_the_invoice_said(week, django_capture_on_commit_callbacks):
    _distribution, farm, _other, (first, _second), after = week
    producer = farm.producer
    producer.vat_regime, producer.vat_number, producer.legal_name = "franchise", "", "Autre EI"
    producer.save()
    with time_machine.travel(after + timedelta(days=5)):
        _mark(
            OrderLine.objects.get(order=first, offer=farm.offers[0]),
            1,
            django_capture_on_commit_callbacks,
        )
    invoice = Invoice.objects.get(order=first, document="invoice")
    note = Invoice.objects.get(document="credit_note")
    assert note.seller == invoice.seller and note.vat_liable and note.vat_cents > 0
    assert note.operation_date == invoice.operation_date  # the delivery it corrects
    text = _text(note)
    assert "EARL des Tilleuls" in text and "293 B" not in text and "Autre EI" not in text


def test_a_basket_short_after_its_invoice_is_credited_and_its_receipt_says_so(
    fake_stripe, django_capture_on_commit_callbacks
):
    from orders.selectors import receipt
    from subscriptions.services.baskets import generate_basket_orders
    from tests.billing.test_payouts import _active_account, _close_and_finish
    from tests.subscriptions.conftest import active_subscription, make_amap

    capture = django_capture_on_commit_callbacks
    amap = make_amap()
    under_mandate(amap.producer)
    active_subscription(amap)
    (basket,) = generate_basket_orders()  # the BasketOrder, the order behind it
    basket = Order.objects.get(basket__pk=basket).pk
    _active_account(fake_stripe, "producer", amap.producer.pk)
    _active_account(fake_stripe, "pickup_point", amap.point.pk)
    after = _close_and_finish(amap.distribution, capture)
    with time_machine.travel(after + timedelta(minutes=1)), capture(execute=True):
        pay_due_distributions()
    order = Order.objects.get(pk=basket)
    invoice = Invoice.objects.get(order=order)
    assert invoice.total_incl_cents == order.prepaid_cents == receipt(order).kept_cents
    with time_machine.travel(after + timedelta(hours=1)):
        _mark(order.lines.get(), 0, capture)  # the basket did not come
    note = Invoice.objects.get(order=order, document="credit_note")
    assert note.total_incl_cents == invoice.total_incl_cents
    # The prepayment came back as credit: the receipt shows it, and keeps nothing.
    shown = receipt(Order.objects.get(pk=basket))
    assert shown.credit_refunded_cents == invoice.total_incl_cents and shown.kept_cents == 0


def test_running_the_invoicing_again_costs_the_same_whatever_the_orders(
    fake_stripe, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from billing.invoicing import issue_distribution_invoices

    capture = django_capture_on_commit_callbacks
    counts = []
    for orders in (2, 6):
        distribution = DistributionFactory()
        farm = stocked_farm(distribution, prices=(300,), stock=20)
        under_mandate(farm.producer)
        _placed, after = sell_and_finish(
            fake_stripe,
            capture,
            distribution,
            [(f"{orders}-{n}", [(farm.offers[0], 1)]) for n in range(orders)],
            [farm.producer],
        )
        assert Invoice.objects.filter(distribution=distribution).count() == orders
        with time_machine.travel(after), CaptureQueriesContext(connection) as queries:
            assert issue_distribution_invoices(distribution_id=distribution.pk) == []
        counts.append(len(queries))
    assert counts[0] == counts[1]
