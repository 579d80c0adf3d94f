"""Golden invoices: three documents an auditor reads — a liable farm selling at 5,5 % and
20 %, a flat-rate farmer, a host under the franchise invoicing its commission — rendered to
PDF, their text read back, every mandatory mention (CGI ann. II art. 242 nonies A, the 2026
reform's nature of the operation and delivery address, self-billing) and every total found.
And the same sale invoiced to an English-speaking household: English labels, French legal
mentions."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from billing.documents import render_invoice_pdf
from billing.invoicing import LineDraft, issue, party, platform_identity
from tests.billing.invoicing import FLAT_RATE, LIABLE
from tests.factories import PickupPointFactory, ProducerFactory

pytestmark = pytest.mark.django_db

ISSUED = datetime(2026, 12, 14, 10, 0, tzinfo=timezone.get_default_timezone())
HOUSEHOLD = {"name": "Camille Martin", "address": ""}
DELIVERY = "Point relais Wazemmes, 12 place de la Nouvelle Aventure, 59000 Lille"


def _text(invoice) -> str:
    reader = PdfReader(io.BytesIO(render_invoice_pdf(invoice)))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _farm(identity, name):
    farm = ProducerFactory(name=name, address="Chemin des Prés, 59160 Lomme", **identity)
    return farm


def _sale(farm, lines, *, liable, language="fr"):
    with transaction.atomic():
        return issue(
            kind="sale",
            document="invoice",
            issuer_kind="producer",
            issuer_id=farm.pk,
            seller=party(farm),
            buyer=HOUSEHOLD,
            lines=lines,
            vat_liable=liable,
            operation_date=date(2026, 12, 12),
            now=ISSUED,
            producer=farm,
            delivery=DELIVERY,
            language=language,
            paid_at=ISSUED,
        )


SALE_MENTIONS = [
    "Facture",
    "Date d’émission 14 décembre 2026",
    "Date de livraison 12 décembre 2026",
    "Nature de l’opération Livraison de biens",
    f"Adresse de livraison {DELIVERY}",
    "Autofacturation",
    "Chemin des Prés, 59160 Lomme",
    "Camille Martin",
    "Prix unitaire HT",
    "Payée le 14 décembre 2026",
]


def test_a_liable_farm_at_two_rates():
    farm = _farm(LIABLE, "Ferme des Tilleuls")
    invoice = _sale(
        farm,
        [
            LineDraft("Poireaux", Decimal(3), 550, 600),
            LineDraft("Jus de pomme", Decimal(2), 2000, 700),
            LineDraft("Carottes", Decimal("1.250"), 550, 375, unit="kg"),
        ],
        liable=True,
    )
    text = _text(invoice)
    mentions = [
        *SALE_MENTIONS,
        f"N° {invoice.number}",
        "EARL des Tilleuls (Ferme des Tilleuls)",
        "SIRET : 73282932000074 — SIREN : 732829320",
        "N° TVA intracommunautaire : FR44732829320",
        "Facture établie par Circuit Court SAS (à renseigner) au nom et pour le compte de "
        "EARL des Tilleuls",
        "Poireaux 3 1,90 € 5,5 % 5,69 € 6,00 €",  # 600 incl. → 569 excl.; 569 / 3 = 1,90
        "Jus de pomme 2 2,92 € 20 % 5,83 € 7,00 €",
        "Carottes 1,250 kg 2,84 € 5,5 % 3,55 € 3,75 €",
        # VAT once per rate on the rate's total: 975 at 5.5 % → 51; 700 at 20 % → 117.
        "5,5 % 9,24 € 0,51 € 9,75 €",
        "20 % 5,83 € 1,17 € 7,00 €",
        "Total HT 15,07 €",
        "Total TVA 1,68 €",
        "Total TTC 16,75 €",
    ]
    for mention in mentions:
        assert mention in text, mention
    assert (invoice.total_incl_cents, invoice.vat_cents) == (1675, 168)


def test_a_flat_rate_farmer_charges_no_vat():
    farm = _farm(FLAT_RATE, "Ferme du Marais")
    invoice = _sale(farm, [LineDraft("Œufs (boîte de 6)", Decimal(2), 550, 640)], liable=False)
    text = _text(invoice)
    for mention in [
        *SALE_MENTIONS,
        "GAEC du Marais",
        "SIRET : 81234567610008",
        "Exploitant agricole placé sous le régime du remboursement forfaitaire agricole, "
        "art. 298 quater du CGI",
        "Œufs (boîte de 6) 2 3,20 € 0 % 6,40 € 6,40 €",
        "Total TVA 0,00 €",
        "Total TTC 6,40 €",
    ]:
        assert mention in text, mention
    assert "N° TVA intracommunautaire" not in text.split("Acheteur")[0]


def test_a_host_under_the_franchise_invoices_its_commission_to_the_platform():
    point = PickupPointFactory(
        name="Épicerie du Coin",
        address="4 rue Gambetta, 59000 Lille",
        legal_name="Marie Dupont EI",
        siret="40483304800022",
        vat_regime="franchise",
    )
    with transaction.atomic():
        invoice = issue(
            kind="host",
            document="invoice",
            issuer_kind="pickup_point",
            issuer_id=point.pk,
            seller=party(point),
            buyer=platform_identity(),
            lines=[LineDraft("Commission de point de retrait — novembre 2026", 1, 2000, 4175)],
            vat_liable=False,
            operation_date=date(2026, 11, 30),
            now=ISSUED,
            pickup_point=point,
            period=date(2026, 11, 1),
            paid_at=ISSUED,
        )
    text = _text(invoice)
    for mention in [
        f"N° {invoice.number}",
        "Autofacturation",
        "Marie Dupont EI (Épicerie du Coin)",
        "SIRET : 40483304800022",
        "TVA non applicable, art. 293 B du CGI",
        "Circuit Court SAS (à renseigner)",
        "SIREN : 880000005",  # the buyer's SIREN (a business)
        "N° TVA intracommunautaire : FR12880000005",
        "Période novembre 2026",
        "Nature de l’opération Prestation de services",
        "au nom et pour le compte de Marie Dupont EI",
        "Pénalités de retard",
        "Indemnité forfaitaire pour frais de recouvrement : 40 €",
        "Total TTC 41,75 €",
    ]:
        assert mention in text, mention
    assert invoice.number.startswith(f"FH-H{point.pk}-2026-")


def test_an_english_speaking_household_reads_english_labels_and_french_legal_mentions():
    farm = _farm(LIABLE, "Ferme des Tilleuls")
    invoice = _sale(farm, [LineDraft("Poireaux", Decimal(3), 550, 600)], liable=True, language="en")
    text = _text(invoice)
    for mention in ["Invoice", "Issued on", "Total incl. VAT", "Autofacturation",
                    "au nom et pour le compte de EARL des Tilleuls", "Paid on"]:  # fmt: skip
        assert mention in text, mention
    assert "Date d’émission" not in text
