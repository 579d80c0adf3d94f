"""Factur-X (EN 16931) of the business-to-business documents: the XML is valid against the
Factur-X XSD and the EN 16931 schematron, says what the invoice says to the cent, and is the one
embedded in the PDF.

The schematron is XSLT 2.0: lxml cannot run it, and the factur-x library only posts it to a
Saxon server (and, when none answers, logs a warning and reports success). Here Saxon's own
processor (saxonche, SaxonC-HE) runs the library's EN 16931 XSLT, code lists included, and the
failed assertions are read from its SVRL report; broken XML is shown to fail it.
"""

import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

import facturx
import pytest
import saxonche
import time_machine
from django.db import transaction
from django.utils import timezone
from lxml import etree
from pypdf import PdfReader

from billing.commissions import issue_due_commissions
from billing.documents import LATE_PAYMENT, SELF_BILLING, render_invoice_pdf
from billing.facturx import LATE_PAYMENT_NOTES, cii_xml
from billing.facturx import SELF_BILLING as XML_SELF_BILLING
from billing.invoicing import LineDraft, issue, issue_credit_note, platform_identity
from billing.models import Invoice
from common.money import vat_included
from orders.models import OrderLine
from tests.billing.test_commissions import _at, month  # noqa: F401 (the month's fixture)
from tests.billing.test_payouts import _mark

pytestmark = pytest.mark.django_db

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "svrl": "http://purl.oclc.org/dsdl/svrl",
}
SCHEMATRON = (
    Path(facturx.__file__).parent
    / "xsd_and_schematron"
    / "facturx-en16931"
    / "FACTUR-X_EN16931.xslt"
)
TRANSACTION = "rsm:SupplyChainTradeTransaction"
SETTLEMENT = f"{TRANSACTION}/ram:ApplicableHeaderTradeSettlement"
AGREEMENT = f"{TRANSACTION}/ram:ApplicableHeaderTradeAgreement"
DELIVERY = f"{TRANSACTION}/ram:ApplicableHeaderTradeDelivery/*/ram:OccurrenceDateTime"
TOTALS = f"{SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
TERMS = f"{SETTLEMENT}/ram:SpecifiedTradePaymentTerms"
LINE = f"{TRANSACTION}/ram:IncludedSupplyChainTradeLineItem"
LINE_AMOUNT = (
    "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation"
    "/ram:LineTotalAmount"
)
VAT_ID = "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']"

FARM = {
    "name": "Ferme des Tilleuls",
    "legal_name": "EARL des Tilleuls",
    "address": "12 rue des Tilleuls, 59000 Lille",
    "siret": "73282932000074",
    "vat_number": "FR44732829320",
    "vat_regime": "liable",
    "vat_mention": "N° TVA intracommunautaire : FR44732829320",
}
HOST = {
    "name": "Chez Marie",
    "legal_name": "Marie Dupont EI",
    "address": "3 place du Marché, 59800 Lille",
    "siret": "40483304800022",
    "vat_number": "",
    "vat_regime": "franchise",
    "vat_mention": "TVA non applicable, art. 293 B du CGI",
}
# 11,67 € and 8,37 € at 20 %: VAT per line 1,95 € + 1,40 €, per rate 3,34 € (one rounding).
COMMISSIONS = (1167, 837)
# A credit note of 11,66 € and 8,36 €: per line 1,94 € + 1,39 €, per rate 3,34 €.
CREDITED = (1166, 836)


def _now(day: int = 1) -> datetime:
    return timezone.make_aware(datetime(2026, 4, day, 9, 30))


def _commission() -> Invoice:
    with transaction.atomic():
        return issue(
            kind=Invoice.Kind.COMMISSION,
            document=Invoice.Document.INVOICE,
            issuer_kind=Invoice.Issuer.PLATFORM,
            issuer_id=None,
            seller=platform_identity(),
            buyer=FARM,
            lines=[
                LineDraft(
                    description="Commission sur les ventes de mars 2026",
                    quantity=Decimal(1),
                    vat_rate=2000,
                    total_incl_cents=COMMISSIONS[0],
                ),
                LineDraft(
                    description="Commission sur les paniers AMAP de mars 2026",
                    detail="4 distributions",
                    quantity=Decimal(1),
                    vat_rate=2000,
                    total_incl_cents=COMMISSIONS[1],
                ),
            ],
            vat_liable=True,
            operation_date=date(2026, 3, 31),
            period=date(2026, 3, 1),
            paid_at=_now(),  # withheld from the month's payouts (billing.commissions)
            now=_now(),
        )


def _host_invoice() -> Invoice:
    with transaction.atomic():
        return issue(
            kind=Invoice.Kind.HOST,
            document=Invoice.Document.INVOICE,
            issuer_kind=Invoice.Issuer.HOST,
            issuer_id=7,
            seller=HOST,
            buyer=platform_identity(),
            lines=[
                LineDraft(
                    description="Commission d'accueil de mars 2026",
                    quantity=Decimal(3),
                    unit="",
                    vat_rate=2000,
                    total_incl_cents=2500,
                )
            ],
            vat_liable=False,
            operation_date=date(2026, 3, 31),
            period=date(2026, 3, 1),
            paid_at=_now(3),
            now=_now(2),
        )


def _credit_note(invoice: Invoice, cents=CREDITED) -> Invoice:
    """The credit note billing.commissions issues for a correction (its own path)."""
    drafts = [
        LineDraft(line.description, line.quantity, line.vat_rate, part)
        for line, part in zip(invoice.lines.order_by("position"), cents, strict=True)
    ]
    with transaction.atomic():
        return issue_credit_note(invoice, drafts, _now(10))


def _unpaid_sale() -> Invoice:
    """Not a Factur-X kind, but the one document with something left to pay."""
    with transaction.atomic():
        return issue(
            kind=Invoice.Kind.SALE,
            document=Invoice.Document.INVOICE,
            issuer_kind=Invoice.Issuer.FARM,
            issuer_id=3,
            seller=FARM,
            buyer={"name": "Jeanne Leroy", "address": ""},
            lines=[LineDraft("Pommes", Decimal("1.250"), 550, 420, unit="kg")],
            vat_liable=True,
            operation_date=date(2026, 3, 31),
            now=_now(),
        )


# --- The validation --------------------------------------------------------------------


@cache
def _schematron():
    """Saxon's processor and the compiled EN 16931 XSLT, once a run (a quarter of a second)."""
    processor = saxonche.PySaxonProcessor(license=False)
    executable = processor.new_xslt30_processor().compile_stylesheet(
        stylesheet_file=str(SCHEMATRON)
    )
    return processor, executable


def schematron_errors(xml: bytes) -> list[str]:
    """The EN 16931 rules ``xml`` breaks (empty when it is valid), from Saxon's SVRL report
    (this XSLT flags none of its rules as a mere warning: every one counts)."""
    processor, executable = _schematron()
    document = processor.parse_xml(xml_text=xml.decode())
    report = etree.fromstring(executable.transform_to_string(xdm_node=document).encode())
    assert len(report.xpath("//svrl:fired-rule", namespaces=NS)) > 50, "it checked nothing"
    return [
        f"{failure.get('id')}: {' '.join(failure.findtext('svrl:text', '', NS).split())}"
        for failure in report.xpath(
            "//svrl:failed-assert | //svrl:successful-report", namespaces=NS
        )
    ]


def assert_xsd(xml: bytes) -> None:
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")


def assert_valid(xml: bytes) -> None:
    assert_xsd(xml)
    assert schematron_errors(xml) == []


def _text(root, path: str) -> str:
    found = root.xpath(path, namespaces=NS)
    assert len(found) == 1, f"{path}: {len(found)} found"
    return found[0] if isinstance(found[0], str) else found[0].text


def _all(root, path: str) -> list[str]:
    return [found.text for found in root.xpath(path, namespaces=NS)]


def _notes(root) -> list[tuple[str, str]]:
    return [
        (note.findtext("ram:SubjectCode", "", NS), note.findtext("ram:Content", "", NS))
        for note in root.xpath("rsm:ExchangedDocument/ram:IncludedNote", namespaces=NS)
    ]


def _cents(root, path: str) -> int:
    return int(Decimal(_text(root, path)) * 100)


def _edited(xml: bytes, path: str, value: str) -> bytes:
    root = etree.fromstring(xml)
    root.xpath(path, namespaces=NS)[0].text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


# --- The documents ---------------------------------------------------------------------


def test_the_commission_invoice_says_what_it_says_and_explains_the_cent_of_rounding():
    invoice = _commission()
    lines = list(invoice.lines.order_by("position"))
    # The amounts are chosen so that one VAT per line and one per rate differ by a cent.
    assert [line.total_excl_cents for line in lines] == [972, 697]
    assert invoice.total_excl_cents == 1670
    assert invoice.vat_cents == vat_included(sum(COMMISSIONS), 2000) == 334

    xml = cii_xml(invoice)
    assert_xsd(xml)
    root = etree.fromstring(xml)
    assert _text(root, "rsm:ExchangedDocument/ram:ID") == invoice.number
    assert _text(root, "rsm:ExchangedDocument/ram:TypeCode") == "380"
    assert _text(root, "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString") == "20260401"
    assert _text(root, f"{SETTLEMENT}/ram:InvoiceCurrencyCode") == "EUR"

    seller, buyer = f"{AGREEMENT}/ram:SellerTradeParty", f"{AGREEMENT}/ram:BuyerTradeParty"
    platform = platform_identity()
    assert _text(root, f"{seller}/ram:Name") == platform["legal_name"]
    assert _text(root, f"{seller}/{VAT_ID}") == platform["vat_number"] == "FR12880000005"
    assert _text(root, f"{seller}/ram:GlobalID[@schemeID='0009']") == platform["siret"]
    assert _text(root, f"{seller}/ram:Description") == platform["registration"]
    assert _text(root, f"{buyer}/ram:Name") == "EARL des Tilleuls"
    assert _text(root, f"{buyer}/ram:SpecifiedLegalOrganization/ram:TradingBusinessName") == (
        "Ferme des Tilleuls"
    )
    assert _text(root, f"{buyer}/ram:GlobalID[@schemeID='0009']") == "73282932000074"
    assert _text(root, f"{buyer}/ram:SpecifiedLegalOrganization/ram:ID[@schemeID='0002']") == (
        "732829320"
    )
    assert _text(root, f"{buyer}/{VAT_ID}") == "FR44732829320"
    address = f"{buyer}/ram:PostalTradeAddress"
    assert _text(root, f"{address}/ram:LineOne") == "12 rue des Tilleuls"
    assert _text(root, f"{address}/ram:PostcodeCode") == "59000"
    assert _text(root, f"{address}/ram:CityName") == "Lille"
    assert _text(root, f"{address}/ram:CountryID") == "FR"

    # The lines as issued (and printed), the breakdown as issued, the cent as a charge.
    assert _all(root, f"{LINE}/{LINE_AMOUNT}") == ["9.72", "6.97"]
    assert _all(root, f"{LINE}//ram:NetPriceProductTradePrice/ram:ChargeAmount") == [
        "9.72",
        "6.97",
    ]
    assert _all(root, f"{LINE}//ram:ApplicableTradeTax/ram:CategoryCode") == ["S", "S"]
    charge = f"{SETTLEMENT}/ram:SpecifiedTradeAllowanceCharge"
    assert _text(root, f"{charge}/ram:ChargeIndicator/udt:Indicator") == "true"
    assert _cents(root, f"{charge}/ram:ActualAmount") == 1
    assert _text(root, f"{charge}/ram:CategoryTradeTax/ram:RateApplicablePercent") == "20.00"
    tax = f"{SETTLEMENT}/ram:ApplicableTradeTax"
    assert _cents(root, f"{tax}/ram:BasisAmount") == 1670
    assert _cents(root, f"{tax}/ram:CalculatedAmount") == 334
    assert _text(root, f"{tax}/ram:CategoryCode") == "S"
    assert _text(root, f"{tax}/ram:RateApplicablePercent") == "20.00"
    assert _cents(root, f"{TOTALS}/ram:LineTotalAmount") == 1669
    assert _cents(root, f"{TOTALS}/ram:ChargeTotalAmount") == 1
    assert root.xpath(f"{TOTALS}/ram:AllowanceTotalAmount", namespaces=NS) == []
    assert _cents(root, f"{TOTALS}/ram:TaxBasisTotalAmount") == invoice.total_excl_cents
    assert _cents(root, f"{TOTALS}/ram:TaxTotalAmount") == invoice.vat_cents
    assert _cents(root, f"{TOTALS}/ram:GrandTotalAmount") == invoice.total_incl_cents == 2004
    # Withheld from the farm's payouts: paid, by clearing, nothing due.
    assert _cents(root, f"{TOTALS}/ram:TotalPrepaidAmount") == 2004
    assert _cents(root, f"{TOTALS}/ram:DuePayableAmount") == 0
    assert _text(root, f"{SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode") == (
        "97"
    )
    assert _text(root, f"{TERMS}/ram:Description") == (
        "Réglée par retenue sur les ventes qui vous sont reversées : rien ne reste à payer."
    )
    assert root.xpath(f"{TERMS}/ram:DueDateDateTime", namespaces=NS) == []
    period = f"{SETTLEMENT}/ram:BillingSpecifiedPeriod"
    assert _text(root, f"{period}/ram:StartDateTime/udt:DateTimeString") == "20260301"
    assert _text(root, f"{period}/ram:EndDateTime/udt:DateTimeString") == "20260331"
    assert _text(root, f"{DELIVERY}/udt:DateTimeString") == "20260331"
    assert _notes(root) == [
        ("PMD", "Pénalités de retard : trois fois le taux d’intérêt légal."),
        ("PMT", "Indemnité forfaitaire pour frais de recouvrement : 40 €."),
        ("AAB", "Pas d’escompte pour paiement anticipé."),
    ]


def test_the_host_invoice_under_the_franchise_is_self_billed_and_exempt():
    invoice = _host_invoice()
    assert invoice.vat_cents == 0

    xml = cii_xml(invoice)
    assert_xsd(xml)
    root = etree.fromstring(xml)
    assert _text(root, "rsm:ExchangedDocument/ram:ID") == invoice.number
    assert _text(root, "rsm:ExchangedDocument/ram:TypeCode") == "389"  # self-billed
    seller = f"{AGREEMENT}/ram:SellerTradeParty"
    assert _text(root, f"{seller}/ram:Name") == "Marie Dupont EI"
    assert _text(root, f"{seller}/ram:GlobalID[@schemeID='0009']") == "40483304800022"
    assert root.xpath(f"{seller}/{VAT_ID}", namespaces=NS) == []
    # No VAT number under the franchise: the SIREN is its tax registration (BR-E-02).
    assert _text(root, f"{seller}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='FC']") == (
        "404833048"
    )
    assert _text(root, f"{AGREEMENT}/ram:BuyerTradeParty/{VAT_ID}") == "FR12880000005"

    assert _text(root, f"{LINE}//ram:ApplicableTradeTax/ram:CategoryCode") == "E"
    assert _text(root, f"{LINE}//ram:ApplicableTradeTax/ram:RateApplicablePercent") == "0.00"
    assert _text(root, f"{LINE}//ram:BilledQuantity") == "3"
    assert _text(root, f"{LINE}//ram:BilledQuantity/@unitCode") == "C62"
    assert _text(root, f"{LINE}//ram:NetPriceProductTradePrice/ram:ChargeAmount") == "8.3333"
    assert _text(root, f"{LINE}/{LINE_AMOUNT}") == "25.00"
    tax = f"{SETTLEMENT}/ram:ApplicableTradeTax"
    assert _text(root, f"{tax}/ram:CategoryCode") == "E"
    assert _text(root, f"{tax}/ram:ExemptionReason") == "TVA non applicable, art. 293 B du CGI"
    assert _text(root, f"{tax}/ram:ExemptionReasonCode") == "VATEX-FR-FRANCHISE"
    assert _cents(root, f"{tax}/ram:CalculatedAmount") == 0
    assert root.xpath(f"{SETTLEMENT}/ram:SpecifiedTradeAllowanceCharge", namespaces=NS) == []
    assert _cents(root, f"{TOTALS}/ram:TaxTotalAmount") == 0
    assert _cents(root, f"{TOTALS}/ram:GrandTotalAmount") == 2500
    assert _cents(root, f"{TOTALS}/ram:TotalPrepaidAmount") == 2500
    assert _cents(root, f"{TOTALS}/ram:DuePayableAmount") == 0
    assert _text(root, f"{TERMS}/ram:Description") == (
        "Réglée par les virements de la plateforme à l’hôte : rien ne reste à payer."
    )
    assert _notes(root)[:3] == [
        ("REG", "Autofacturation"),
        ("REG", f"Facture établie par {platform_identity()['legal_name']} au nom et pour le "
                "compte de Marie Dupont EI"),
        ("TXD", "TVA non applicable, art. 293 B du CGI"),
    ]  # fmt: skip

    note = _credit_note(invoice, cents=(500,))
    xml = cii_xml(note)
    assert_xsd(xml)
    root = etree.fromstring(xml)
    assert _text(root, "rsm:ExchangedDocument/ram:TypeCode") == "261"  # self-billed credit note
    assert _text(root, f"{SETTLEMENT}/ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == (
        invoice.number
    )


def test_the_credit_note_names_the_invoice_it_corrects():
    invoice = _commission()
    note = _credit_note(invoice)
    lines = list(note.lines.order_by("position"))
    assert [line.total_excl_cents for line in lines] == [972, 697]  # 1,94 € + 1,39 € of VAT
    assert (note.total_excl_cents, note.vat_cents) == (1668, 334)  # 20,02 € at 20 %

    xml = cii_xml(note)
    assert_xsd(xml)
    root = etree.fromstring(xml)
    assert _text(root, "rsm:ExchangedDocument/ram:ID") == note.number
    assert _text(root, "rsm:ExchangedDocument/ram:TypeCode") == "381"
    preceding = f"{SETTLEMENT}/ram:InvoiceReferencedDocument"
    assert _text(root, f"{preceding}/ram:IssuerAssignedID") == invoice.number
    assert _text(root, f"{preceding}/ram:FormattedIssueDateTime/*") == "20260401"
    # Here the lines exceed the rate's base: the cent is an allowance.
    allowance = f"{SETTLEMENT}/ram:SpecifiedTradeAllowanceCharge"
    assert _text(root, f"{allowance}/ram:ChargeIndicator/udt:Indicator") == "false"
    assert _cents(root, f"{allowance}/ram:ActualAmount") == 1
    assert _cents(root, f"{TOTALS}/ram:LineTotalAmount") == 1669
    assert _cents(root, f"{TOTALS}/ram:AllowanceTotalAmount") == 1
    assert _cents(root, f"{TOTALS}/ram:TaxBasisTotalAmount") == note.total_excl_cents
    assert _cents(root, f"{TOTALS}/ram:GrandTotalAmount") == note.total_incl_cents == 2002
    assert _cents(root, f"{TOTALS}/ram:DuePayableAmount") == 0
    assert _text(root, f"{TERMS}/ram:Description") == "Remboursé à l’acheteur : 20,02\u00a0€."
    # Issued in April, it corrects March: the month stays the period and the service's date.
    period = f"{SETTLEMENT}/ram:BillingSpecifiedPeriod"
    assert _text(root, f"{period}/ram:StartDateTime/udt:DateTimeString") == "20260301"
    assert _text(root, f"{period}/ram:EndDateTime/udt:DateTimeString") == "20260331"
    assert _text(root, f"{DELIVERY}/udt:DateTimeString") == "20260331"
    assert _text(root, "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString") == "20260410"


def test_a_document_left_to_pay_is_due_thirty_days_after_the_operation():
    invoice = _unpaid_sale()
    xml = cii_xml(invoice)
    assert_xsd(xml)
    root = etree.fromstring(xml)
    assert _text(root, f"{TERMS}/ram:DueDateDateTime/udt:DateTimeString") == "20260430"
    assert _cents(root, f"{TOTALS}/ram:DuePayableAmount") == 420
    assert _text(root, f"{LINE}//ram:BilledQuantity") == "1.250"
    assert _text(root, f"{LINE}//ram:BilledQuantity/@unitCode") == "KGM"
    assert _text(root, f"{LINE}//ram:ApplicableTradeTax/ram:RateApplicablePercent") == "5.50"


def test_the_months_real_documents_are_valid(month, django_capture_on_commit_callbacks):  # noqa: F811
    """The month issued by billing.commissions, then a refund's credit notes."""
    _distribution, _farm, _point, line, _first, next_month, _after = month
    with time_machine.travel(_at(next_month + timedelta(days=1))):
        issue_due_commissions()
        _mark(OrderLine.objects.get(pk=line.pk), 2, django_capture_on_commit_callbacks)
        issue_due_commissions()
    documents = Invoice.objects.exclude(kind=Invoice.Kind.SALE).order_by("pk")
    assert sorted((d.kind, d.document) for d in documents) == [
        ("commission", "credit_note"),
        ("commission", "invoice"),
        ("host", "credit_note"),
        ("host", "invoice"),
    ]
    for document in documents:
        xml = cii_xml(document)
        assert_valid(xml)
        root = etree.fromstring(xml)
        assert _text(root, "rsm:ExchangedDocument/ram:ID") == document.number
        assert _cents(root, f"{TOTALS}/ram:GrandTotalAmount") == document.total_incl_cents


@pytest.mark.parametrize(
    "build",
    [
        _commission,
        _host_invoice,
        lambda: _credit_note(_commission()),
        lambda: _credit_note(_host_invoice(), cents=(500,)),
        _unpaid_sale,
    ],
    ids=["commission", "host", "commission-credit-note", "host-credit-note", "left-to-pay"],
)
def test_every_document_passes_the_en16931_schematron(build):
    assert_valid(cii_xml(build()))


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (f"{TOTALS}/ram:GrandTotalAmount", "20.05", "BR-CO-15"),  # one cent off
        (f"{TOTALS}/ram:LineTotalAmount", "16.70", "BR-CO-10"),
        (f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:BasisAmount", "16.69", "BR-S-08"),
        (f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:CalculatedAmount", "5.34", "BR-CO-17"),
        ("rsm:ExchangedDocument/ram:TypeCode", "999", "TypeCode' is not allowed"),
        (f"{SETTLEMENT}/ram:InvoiceCurrencyCode", "EUX", "InvoiceCurrencyCode' is not allowed"),
    ],
)
def test_the_schematron_really_rejects_a_broken_invoice(path, value, expected):
    xml = cii_xml(_commission())
    assert schematron_errors(xml) == []
    errors = schematron_errors(_edited(xml, path, value))
    assert any(expected in error for error in errors), errors


def test_the_pdf_embeds_the_same_xml_and_still_reads_as_the_invoice():
    for invoice in (_commission(), _host_invoice()):
        pdf = render_invoice_pdf(invoice)
        filename, embedded = facturx.get_xml_from_pdf(pdf, check_xsd=True)
        assert filename == "factur-x.xml"
        assert embedded == cii_xml(invoice)
        assert facturx.get_level(etree.fromstring(embedded)) == "en16931"
        reader = PdfReader(io.BytesIO(pdf))
        text = "".join(page.extract_text() for page in reader.pages)
        assert invoice.number in text
        # PDF/A-3B as Factur-X wants it: WeasyPrint's sRGB output intent, the library's XMP.
        catalog = reader.trailer["/Root"]
        assert catalog["/OutputIntents"][0]["/S"] == "/GTS_PDFA1"
        xmp = catalog["/Metadata"].get_object().get_data()
        assert b"<pdfaid:part>3</pdfaid:part>" in xmp
        assert b"<pdfaid:conformance>B</pdfaid:conformance>" in xmp
        assert b"<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>" in xmp


def test_a_sales_invoice_pdf_stays_a_plain_pdf():
    with transaction.atomic():
        invoice = issue(
            kind=Invoice.Kind.SALE,
            document=Invoice.Document.INVOICE,
            issuer_kind=Invoice.Issuer.FARM,
            issuer_id=3,
            seller=FARM,
            buyer={"name": "Jeanne Leroy", "address": ""},
            lines=[LineDraft("Pommes", Decimal(2), 550, 420)],
            vat_liable=True,
            operation_date=date(2026, 3, 31),
            now=_now(),
        )
    reader = PdfReader(io.BytesIO(render_invoice_pdf(invoice)))
    assert reader.attachments == {}
    assert "/OutputIntents" not in reader.trailer["/Root"]


def test_the_xml_carries_the_pdfs_own_mentions():
    assert " ".join(text for _code, text in LATE_PAYMENT_NOTES) == LATE_PAYMENT
    assert XML_SELF_BILLING == SELF_BILLING
