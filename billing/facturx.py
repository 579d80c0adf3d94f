"""Factur-X (EN 16931 profile) for the business-to-business documents: the platform's
commission invoices to farms and the hosts' commission invoices to the platform, with their
credit notes. A business buyer's software reads the invoice from the XML embedded in the PDF;
from the French e-invoicing reform on, that structured copy is the invoice. So the XML is
built from the issued :class:`billing.models.Invoice` only (its seller and buyer snapshots,
its lines, its VAT per rate), never from the farm or the point as they are now, and it says
what the PDF says, to the cent.

What goes in, and why:

- **Type** (BT-3): 380 for an invoice, 381 for a credit note, when the seller issues it (the
  platform's commissions). A host's invoice is issued by the platform, its buyer, in the
  host's name under the billing mandate: it is self-billed, 389, and its credit note 261
  (UNTDID 1001), as the PDF's « Autofacturation » says. A credit note names the invoice it
  corrects and its date (BG-3, BT-25 and BT-26); its amounts are positive, as the code says
  what they are.
- **Parties**: the legal name (BT-27/BT-44), the trading name when it differs, the SIRET as the
  party's identifier (scheme 0009, BT-29/BT-46) and its first nine digits, the SIREN, as the
  legal registration (scheme 0002, BT-30/BT-47): the SIREN names the legal entity, the SIRET
  one of its establishments. The VAT number when there is one (BT-31/BT-48); a seller without
  one (the VAT franchise) gives its SIREN as its tax registration (BT-32, scheme FC), which
  EN 16931 asks of a seller of exempt lines (BR-E-02). Addresses are one line in the
  snapshots: the French ``…, 59000 Lille`` ending is split into postcode and city; the country
  is France (every party is identified by a SIRET).
- **VAT**: lines at a rate are category S; a seller not charging VAT makes every line E, rate 0,
  and the breakdown carries the seller's mention as the exemption reason (« TVA non
  applicable, art. 293 B du CGI ») with the VATEX code of the French franchise
  (VATEX-FR-FRANCHISE) when that is the regime.
- **Notes** (BG-1): the same mentions as the PDF, in French: self-billing and « au nom et pour
  le compte de », the VAT mention, and the late-payment terms (C. com. L441-10), each with its
  subject code.
- **Payment**: what the PDF says, in the payment terms (BT-20), in the PDF's own French words
  (the same translated message): a commission is settled by deduction from the sales paid over
  to the farm (payment means 97, clearing between partners), a host's commission by the
  platform's transfers, a credit note is refunded to the buyer, a sale paid online on its
  date. Settled, the whole total is the paid amount (BT-113) and nothing is due (BT-115 = 0).
  A document still to pay (none of the Factur-X kinds today) is due 30 days after the
  operation, the legal default of C. com. L441-10 (the model keeps no due date): BT-9.
- **Dates**: the issue date (BT-2); a commission's month as the invoicing period (BT-73,
  BT-74, its first and last days, also for a credit note issued later) and its last day as the
  date of the service (BT-72); a sale's day otherwise.

**The cent of rounding.** VAT is computed once per rate, on that rate's total VAT included
(``common.money.vat_breakdown``); each line's amount excluding VAT is its own total less its own
VAT. So the lines' amounts excluding VAT may add up to a cent more or less than the rate's base:
11,67 € and 8,37 € at 20 % make lines of 9,72 € and 6,97 € (16,69 €) for a base of 16,70 €. EN
16931 wants the base of a rate to be exactly the sum of its lines (BR-S-08, BR-CO-10, BR-CO-13),
and its VAT the base times the rate (to within a euro, BR-CO-17). The lines and the breakdown
are written as issued, the figures the PDF prints, and the difference is made explicit: a
document-level charge (BG-21) when the lines fall short of the rate's base, an allowance (BG-20)
when they exceed it, at that rate, named « Écart d'arrondi ». Adjusting a line instead would
have made the XML's lines differ from the PDF's; ignoring it would break the totals. Each line's
net price (BT-146) is its amount excluding VAT divided by its quantity, to four decimals, so
that quantity times price gives the line's amount.

:func:`cii_xml` checks the XML against the Factur-X XSD (lxml, offline) before handing it
out. The EN 16931 schematron is XSLT 2.0, which lxml cannot run and the library sends to a
Saxon server we do not run: the tests run it with Saxon's own processor instead
(tests/billing/test_facturx.py).
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext
from facturx import generate_cii_xml, generate_from_binary

from billing.models import Invoice
from common import dates
from common.money import CURRENCY, format_eur
from producers import legal

LEVEL = "en16931"
# The documents that carry a Factur-X XML, and the PDF they need: PDF/A-3, the archival PDF
# that may embed a file.
FACTURX_KINDS = frozenset({Invoice.Kind.COMMISSION, Invoice.Kind.HOST})
PDF_VARIANT = "pdf/a-3b"

# UNTDID 1001: (document, self-billed) → BT-3.
TYPE_CODES = {
    (Invoice.Document.INVOICE, False): "380",
    (Invoice.Document.CREDIT_NOTE, False): "381",
    (Invoice.Document.INVOICE, True): "389",
    (Invoice.Document.CREDIT_NOTE, True): "261",
}
# UN/ECE recommendation 20 codes of the units a line may be counted in ("" is a count).
UNIT_CODES = {"": "C62", "kg": "KGM", "g": "GRM", "l": "LTR"}
COUNTRY = "FR"
SIRET_SCHEME, SIREN_SCHEME = "0009", "0002"
FRANCHISE_VATEX = "VATEX-FR-FRANCHISE"
ROUNDING = "Écart d'arrondi (TVA calculée par taux sur le total TTC)"
PAYMENT_TERM_DAYS = 30
# UNTDID 4461: a commission is withheld from what the farm is paid over.
CLEARING = "97"

# The PDF's mentions (billing.documents), as the XML's notes: UNTDID 4451 subject codes.
SELF_BILLING = "Autofacturation"
ON_BEHALF = "Facture établie par {platform} au nom et pour le compte de {seller}"
LATE_PAYMENT_NOTES = (
    ("PMD", "Pénalités de retard : trois fois le taux d’intérêt légal."),
    ("PMT", "Indemnité forfaitaire pour frais de recouvrement : 40 €."),
    ("AAB", "Pas d’escompte pour paiement anticipé."),
)

# "12 rue des Tilleuls, 59000 Lille" → street, postcode, city (", France" allowed at the end).
POSTAL = re.compile(
    r"^(?P<street>.*?)[\s,]*\b(?P<postcode>\d{5})\s+(?P<city>[^,]+?)(?:\s*,\s*France)?\s*$",
    re.IGNORECASE,
)


def cii_xml(invoice: Invoice) -> bytes:
    """The invoice's EN 16931 CII XML (UTF-8), checked against the Factur-X XSD."""
    return generate_cii_xml(cii_data(invoice), level=LEVEL, check_xsd=True, check_schematron=False)


def facturx_pdf(invoice: Invoice, pdf: bytes) -> bytes:
    """``pdf`` (PDF/A-3, see :data:`PDF_VARIANT`) with the invoice's XML embedded as
    ``factur-x.xml`` and the Factur-X metadata: the invoice as a person and a program read it."""
    seller = _name(invoice.seller)
    title = f"{'Avoir' if invoice.is_credit_note else 'Facture'} {invoice.number}"
    return generate_from_binary(
        pdf,
        cii_xml(invoice),
        flavor="factur-x",
        level=LEVEL,
        check_xsd=False,
        pdf_metadata={
            "author": seller,
            "keywords": f"{title}, Factur-X",
            "title": f"{seller} : {title}",
            "subject": f"{title} du {_issue_date(invoice):%d/%m/%Y}, émis par {seller}",
        },
        lang=invoice.language or "fr",
    )


def cii_data(invoice: Invoice) -> dict:
    """The factur-x library's data dict (keyed by EN 16931 business terms) of ``invoice``."""
    lines = list(invoice.lines.order_by("position"))
    self_billed = invoice.issuer_kind != Invoice.Issuer.PLATFORM
    settled = _settled(invoice)
    allowances, charges = _rounding(invoice, lines)
    lines_excl = sum(line.total_excl_cents for line in lines)
    data = {
        "BT-1": invoice.number,
        "BT-2": _issue_date(invoice),
        "BT-3": TYPE_CODES[invoice.document, self_billed],
        "BT-5": CURRENCY,
        "BT-72": _service_date(invoice),
        "BG-1": _notes(invoice, self_billed),
        "BG-4": _party(invoice.seller, seller=True),
        "BG-7": _party(invoice.buyer, seller=False),
        "BG-23": [_vat(invoice, rate) for rate in invoice.vat_rates],
        "BG-25": [_line(invoice, line) for line in lines],
        "BT-20": _payment_terms(invoice),
        "BT-106": _amount(lines_excl),
        "BT-109": _amount(invoice.total_excl_cents),
        "BT-110": _amount(invoice.vat_cents),
        "BT-112": _amount(invoice.total_incl_cents),
        "BT-115": _amount(0 if settled else invoice.total_incl_cents),
    }
    if allowances:
        data["BG-20"] = [entry for entry, _cents in allowances]
        data["BT-107"] = _amount(sum(cents for _entry, cents in allowances))
    if charges:
        data["BG-21"] = [entry for entry, _cents in charges]
        data["BT-108"] = _amount(sum(cents for _entry, cents in charges))
    if settled:
        data["BT-113"] = _amount(invoice.total_incl_cents)
    else:
        data["BT-9"] = _due_date(invoice)
    if invoice.period:
        data["BT-73"], data["BT-74"] = invoice.period, _month_end(invoice.period)
    if invoice.kind == Invoice.Kind.COMMISSION and not invoice.is_credit_note:
        data["BT-81"] = CLEARING
        data["BT-82"] = "Retenue sur les ventes reversées"
    if invoice.corrects_id:
        data["BG-3"] = [{"BT-25": invoice.corrects.number, "BT-26": _issue_date(invoice.corrects)}]
    return data


# --- Parts --------------------------------------------------------------------------------


def _party(identity: dict, *, seller: bool) -> dict:
    siret = (identity.get("siret") or "").replace(" ", "")
    vat_number = (identity.get("vat_number") or "").replace(" ", "")
    party = {"name": _name(identity), "country_code": COUNTRY, **_address(identity)}
    trading = (identity.get("name") or "").strip()
    if trading and trading != party["name"]:
        party["biz_name"] = trading
    if siret:
        party["identifiers"] = {SIRET_SCHEME: siret}
        party["legal_identifier"] = siret[:9]
        party["legal_identifier_schemeid"] = SIREN_SCHEME
    if vat_number:
        party["vat_identifier"] = vat_number
    elif seller and siret:
        party["tax_identifier"] = siret[:9]
    if seller and identity.get("registration"):
        party["legal_info"] = identity["registration"]
    return party


def _address(identity: dict) -> dict:
    address = " ".join((identity.get("address") or "").split())
    if not address:
        return {}
    match = POSTAL.match(address)
    if match is None:
        return {"addr_l1": address}
    parts = {"postcode": match["postcode"], "city": match["city"]}
    if match["street"]:
        parts["addr_l1"] = match["street"]
    return parts


def _line(invoice: Invoice, line) -> dict:
    quantity = line.quantity if line.quantity > 0 else Decimal(1)
    entry = {
        "BT-126": str(line.position),
        "BT-153": line.description,
        "BT-129": _quantity(quantity),
        "BT-130": UNIT_CODES.get(line.unit.strip().lower(), UNIT_CODES[""]),
        "BT-146": _price(Decimal(line.total_excl_cents) / quantity),
        "BT-131": _amount(line.total_excl_cents),
        "BT-151": _category(invoice, line.vat_rate),
        "BT-152": _percent(line.vat_rate),
    }
    if line.detail:
        entry["BT-154"] = line.detail
    return entry


def _vat(invoice: Invoice, rate: dict) -> dict:
    category = _category(invoice, rate["rate"])
    entry = {
        "BT-116": _amount(rate["total_excl_cents"]),
        "BT-117": _amount(rate["vat_cents"]),
        "BT-118": category,
        "BT-119": _percent(rate["rate"]),
    }
    if category == "E":
        entry["BT-120"] = _exemption(invoice)
        if invoice.seller.get("vat_regime") == legal.FRANCHISE:
            entry["BT-121"] = FRANCHISE_VATEX
    return entry


def _rounding(invoice: Invoice, lines) -> tuple[list, list]:
    """The allowances and charges (entry, cents) that take each rate's lines to the rate's
    base: the cent that one VAT rounding per rate leaves against one per line."""
    per_rate: dict[int, int] = defaultdict(int)
    for line in lines:
        per_rate[line.vat_rate] += line.total_excl_cents
    rates = {rate["rate"] for rate in invoice.vat_rates}
    if set(per_rate) != rates:
        raise ValueError(f"{invoice.number}: its lines and its VAT breakdown name other rates.")
    allowances, charges = [], []
    for rate in invoice.vat_rates:
        gap = rate["total_excl_cents"] - per_rate[rate["rate"]]
        if gap == 0:
            continue
        entry = {
            "amount": _amount(abs(gap)),
            "reason": ROUNDING,
            "vat_category_code": _category(invoice, rate["rate"]),
            "vat_rate": _percent(rate["rate"]),
        }
        (charges if gap > 0 else allowances).append((entry, abs(gap)))
    return allowances, charges


def _notes(invoice: Invoice, self_billed: bool) -> list[dict]:
    notes = []
    if self_billed:
        notes.append({"BT-21": "REG", "BT-22": SELF_BILLING})
        notes.append(
            {
                "BT-21": "REG",
                "BT-22": ON_BEHALF.format(
                    platform=settings.INVOICE_PLATFORM_LEGAL_NAME, seller=_name(invoice.seller)
                ),
            }
        )
    if not invoice.vat_liable:
        notes.append({"BT-21": "TXD", "BT-22": _exemption(invoice)})
    if invoice.kind != Invoice.Kind.SALE:
        notes.extend({"BT-21": code, "BT-22": text} for code, text in LATE_PAYMENT_NOTES)
    return notes


def _settled(invoice: Invoice) -> bool:
    """Nothing is left to pay, as the PDF says (billing/invoice/document.html)."""
    return (
        invoice.is_credit_note
        or invoice.kind in (Invoice.Kind.COMMISSION, Invoice.Kind.HOST)
        or invoice.paid_at is not None
    )


def _payment_terms(invoice: Invoice) -> str:
    """The PDF's own sentence on payment, in French (its translated message)."""
    with translation.override("fr"):
        if invoice.is_credit_note:
            total = format_eur(invoice.total_incl_cents, "fr")
            return gettext("Refunded to the buyer: %(total)s.") % {"total": total}
        if invoice.kind == Invoice.Kind.COMMISSION:
            return gettext(
                "Settled by deduction from the sales paid over to you: nothing is left to pay."
            )
        if invoice.kind == Invoice.Kind.HOST:
            return gettext(
                "Settled by the platform's transfers to the host: nothing is left to pay."
            )
        if invoice.paid_at is not None:
            paid = dates.long(invoice.paid_at)
            message = gettext("Paid on %(date)s, online (card or credit): nothing is left to pay.")
            return message % {"date": paid}
    return (
        f"À régler au plus tard le {_due_date(invoice):%d/%m/%Y}, {PAYMENT_TERM_DAYS} jours "
        "après l’opération (C. com. art. L441-10)."
    )


# --- Values -------------------------------------------------------------------------------


def _name(identity: dict) -> str:
    return (identity.get("legal_name") or "").strip() or identity.get("name") or ""


def _exemption(invoice: Invoice) -> str:
    regime = invoice.seller.get("vat_regime") or ""
    return (
        invoice.seller.get("vat_mention") or legal.VAT_MENTIONS.get(regime) or "TVA non applicable"
    )


def _category(invoice: Invoice, rate: int) -> str:
    if not invoice.vat_liable:
        return "E"
    return "S" if rate > 0 else "Z"


def _issue_date(invoice: Invoice) -> date:
    return timezone.localtime(invoice.issued_at).date()


def _due_date(invoice: Invoice) -> date:
    return invoice.operation_date + timedelta(days=PAYMENT_TERM_DAYS)


def _month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _service_date(invoice: Invoice) -> date:
    """When the service was done: a commission's month's last day (a credit note's too, which
    is issued later), else the operation's date (a sale's day)."""
    return _month_end(invoice.period) if invoice.period else invoice.operation_date


def _amount(cents: int) -> str:
    """Cents as the XML's euros: ``1670`` → ``"16.70"``."""
    return str(Decimal(int(cents)).scaleb(-2))


def _percent(basis_points: int) -> str:
    """Basis points as a percentage: ``2000`` → ``"20.00"``."""
    return str(Decimal(int(basis_points)).scaleb(-2))


def _quantity(quantity: Decimal) -> str:
    """``Decimal("2.000")`` → ``"2"``, ``Decimal("1.250")`` → ``"1.250"``."""
    whole = quantity.quantize(Decimal(1))
    return str(whole if whole == quantity else quantity)


def _price(cents: Decimal) -> str:
    """A unit price in euros, to the cent when exact, else to four decimals."""
    euros = cents.scaleb(-2)
    cent = euros.quantize(Decimal("0.01"))
    return str(cent if cent == euros else euros.quantize(Decimal("0.0001")))
