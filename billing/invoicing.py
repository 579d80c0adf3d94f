"""Issuing invoices and credit notes (state-driven, idempotent).

- A **sales invoice** is issued in a farm's name, for each order and farm, once the sale is
  final: the distribution is payable (done, its money settled: no capture, weight or refund
  waits). Only for a farm that has accepted the current billing mandate and whose legal
  identity is complete; the others get theirs when they have (the periodic sweep).
- A later correction (a line short, a lower weight, a cancelled order) leaves what was sold
  below what was invoiced: a **credit note** for the difference, naming the invoice, is
  issued by the same job. An issued document is never changed.
- Numbers come from :func:`next_number`: one series per issuer, document type and year,
  taken under the series' lock in the transaction that writes the document (no gap, no
  duplicate).

Everything is run under the distribution's lock, so two runs at once issue once.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone

from billing.final import payable
from billing.mandates import TERMS_VERSION, current_mandate
from billing.models import BillingMandate, Invoice, InvoiceLine, InvoiceSequence, Payout
from billing.tasks import render_invoice_pdf_task
from common.money import round_cents, vat_breakdown, vat_included
from handover.reports import sold_lines
from orders.models import LINE_CENTS, Order, OrderLine, Settlement
from orders.services.placing import lock_distribution
from pickup.models import Distribution, PickupPoint
from producers import legal
from producers.models import Producer

logger = logging.getLogger(__name__)

# The series' codes: document type, then issuer.
TYPE_CODES = {
    (Invoice.Kind.SALE, Invoice.Document.INVOICE): "FV",
    (Invoice.Kind.SALE, Invoice.Document.CREDIT_NOTE): "AV",
    (Invoice.Kind.COMMISSION, Invoice.Document.INVOICE): "FC",
    (Invoice.Kind.COMMISSION, Invoice.Document.CREDIT_NOTE): "AC",
    (Invoice.Kind.HOST, Invoice.Document.INVOICE): "FH",
    (Invoice.Kind.HOST, Invoice.Document.CREDIT_NOTE): "AH",
}
ISSUER_CODES = {Invoice.Issuer.FARM: "P", Invoice.Issuer.HOST: "H"}


def series_prefix(kind: str, document: str, issuer_kind: str, issuer_id: int | None) -> str:
    """``FV-P12``: sales invoices of farm 12; ``FC-CC``: the platform's commission invoices."""
    issuer = (
        "CC"
        if issuer_kind == Invoice.Issuer.PLATFORM
        else f"{ISSUER_CODES[issuer_kind]}{issuer_id}"
    )
    return f"{TYPE_CODES[kind, document]}-{issuer}"


def next_number(prefix: str, year: int) -> str:
    """The next number of a series (caller is in the transaction writing the document): the
    series' row is locked until it commits; a rollback gives the number back."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A number is taken in the transaction that writes the document.")
    InvoiceSequence.objects.bulk_create(
        [InvoiceSequence(prefix=prefix, year=year)], ignore_conflicts=True
    )
    sequence = InvoiceSequence.objects.select_for_update().get(prefix=prefix, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{prefix}-{year}-{sequence.last:06d}"


# --- Who is named ------------------------------------------------------------------------


def party(owner: Producer | PickupPoint) -> dict:
    """A farm's (or a host's, as its point holds it) identity, as an invoice copies it."""
    return {
        "name": owner.name,
        "legal_name": owner.legal_name.strip() or owner.name,
        "address": owner.address,
        "siret": owner.siret,
        "vat_number": owner.vat_number if owner.vat_regime == legal.LIABLE else "",
        "vat_regime": owner.vat_regime,
        "vat_mention": legal.vat_mention(owner),
    }


def platform_identity() -> dict:
    return {
        "name": settings.INVOICE_PLATFORM_NAME,
        "legal_name": settings.INVOICE_PLATFORM_LEGAL_NAME,
        "address": settings.INVOICE_PLATFORM_ADDRESS,
        "siret": settings.INVOICE_PLATFORM_SIRET,
        "vat_number": settings.INVOICE_PLATFORM_VAT_NUMBER,
        "vat_regime": legal.LIABLE,
        "vat_mention": f"N° TVA intracommunautaire : {settings.INVOICE_PLATFORM_VAT_NUMBER}",
        "registration": settings.INVOICE_PLATFORM_REGISTRATION,
    }


def household_identity(order: Order) -> dict:
    household = order.household
    return {"name": household.get_full_name() or household.email, "address": ""}


def invoicing_blocker(kind: str, owner: Producer | PickupPoint) -> str:
    """Why no invoice is issued in the name of a farm (``kind`` ``producer``) or a host
    (``pickup_point``): ``"mandate"`` (the current one not accepted), ``"identity"`` (its
    legal identity incomplete), or ``""``: it may be invoiced."""
    if current_mandate(kind, owner.pk) is None:
        return "mandate"
    if not legal.legal_identity_complete(owner):
        return "identity"
    return ""


def can_invoice_for(farm: Producer) -> bool:
    return not invoicing_blocker(Payout.Payee.FARM, farm)


# --- Writing a document ------------------------------------------------------------------


@dataclass(frozen=True)
class LineDraft:
    description: str
    quantity: Decimal
    vat_rate: int
    total_incl_cents: int
    detail: str = ""
    unit: str = ""
    order_line_id: int | None = None


def issue(
    *,
    kind: str,
    document: str,
    issuer_kind: str,
    issuer_id: int | None,
    seller: dict,
    buyer: dict,
    lines: list[LineDraft],
    vat_liable: bool,
    operation_date,
    now: datetime,
    **about,
) -> Invoice:
    """Write one document with its number (caller is in a transaction and holds what makes
    the issue unique: the distribution's lock, or the month's). Its PDF is made after the
    commit. Without VAT charged (a farm under the franchise or the flat-rate scheme) every
    line is at 0 % and the document carries its regime's mention."""
    rates = [(line.vat_rate if vat_liable else 0, line.total_incl_cents) for line in lines]
    vat = vat_breakdown(rates)
    prefix = series_prefix(kind, document, issuer_kind, issuer_id)
    invoice = Invoice.objects.create(
        number=next_number(prefix, timezone.localtime(now).year),
        kind=kind,
        document=document,
        issuer_kind=issuer_kind,
        issuer_id=issuer_id,
        issued_at=now,
        operation_date=operation_date,
        seller=seller,
        buyer=buyer,
        vat_liable=vat_liable,
        total_incl_cents=vat.total_incl_cents,
        total_excl_cents=vat.total_excl_cents,
        vat_cents=vat.vat_cents,
        vat_rates=[
            {
                "rate": r.rate,
                "total_incl_cents": r.total_incl_cents,
                "total_excl_cents": r.total_excl_cents,
                "vat_cents": r.vat_cents,
            }
            for r in vat.rates
        ],
        **about,
    )
    rows = []
    for position, (line, (rate, incl)) in enumerate(zip(lines, rates, strict=True), start=1):
        excl = incl - vat_included(incl, rate)
        unit_excl = round_cents(Decimal(excl) / line.quantity) if line.quantity else excl
        rows.append(
            InvoiceLine(
                invoice=invoice,
                position=position,
                order_line_id=line.order_line_id,
                description=line.description[:300],
                detail=line.detail[:300],
                quantity=line.quantity,
                unit=line.unit,
                unit_price_excl_cents=unit_excl,
                vat_rate=rate,
                total_incl_cents=incl,
                total_excl_cents=excl,
            )
        )
    InvoiceLine.objects.bulk_create(rows)
    transaction.on_commit(lambda: render_invoice_pdf_task.delay(invoice.pk))
    return invoice


# --- Sales invoices and their credit notes -----------------------------------------------


def _sold_quantity(line: OrderLine) -> tuple[Decimal, str]:
    """A line's quantity as invoiced: its real weight in kg once weighed, else its pieces."""
    if line.weight_g:
        return (Decimal(line.weight_g) / 1000).quantize(Decimal("0.001")), "kg"
    return Decimal(line.quantity), ""


def _sale_draft(line: OrderLine) -> LineDraft:
    quantity, unit = _sold_quantity(line)
    detail = ""
    if line.weight_g:
        detail = f"{line.quantity} × {line.product_name}"
    return LineDraft(
        description=line.product_name,
        detail=detail,
        quantity=quantity,
        unit=unit,
        vat_rate=line.vat_rate,
        total_incl_cents=line.total_cents,
        order_line_id=line.pk,
    )


def _delivery(distribution: Distribution) -> str:
    point = distribution.pickup_point
    return f"{point.name}, {point.address}"


def _household_language(order: Order) -> str:
    return "en" if (order.household.language or "").startswith("en") else "fr"


def issue_distribution_invoices(*, distribution_id: int, now=None) -> list[Invoice]:
    """Issue what is due for ``distribution``: a sales invoice per order and farm (farms
    under mandate), a credit note where what is sold now is below what was invoiced.
    Nothing before the sale is final. Returns the documents issued by this run."""
    now = now or timezone.now()
    issued: list[Invoice] = []
    with transaction.atomic():
        distribution = lock_distribution(distribution_id)
        if not payable(distribution, now):
            return issued
        sold: dict[tuple[int, int], list[OrderLine]] = defaultdict(list)
        for line in (
            sold_lines()
            .filter(order__distribution=distribution)
            .select_related("order__household", "producer")
            .order_by("order_id", "producer_id", "pk")
        ):
            sold[line.order_id, line.producer_id].append(line)
        invoices: dict[tuple[int, int], Invoice] = {}
        net: dict[tuple[int, int], int] = defaultdict(int)  # invoiced, less credit notes
        for document in Invoice.objects.filter(distribution=distribution, kind=Invoice.Kind.SALE):
            key = (document.order_id, document.producer_id)
            net[key] += (-1 if document.is_credit_note else 1) * document.total_incl_cents
            if not document.is_credit_note:
                invoices[key] = document
        farms = {
            farm.pk: farm
            for farm in Producer.objects.filter(
                pk__in={producer for _order, producer in [*sold, *invoices]}
            )
        }
        allowed = {pk for pk, farm in farms.items() if can_invoice_for(farm)}
        for key in sorted(set(sold) | set(invoices)):
            _order_id, producer_id = key
            invoice = invoices.get(key)
            lines = sold.get(key, [])
            if invoice is None:
                if producer_id in allowed and lines:
                    issued.append(_issue_sale(distribution, lines, farms[producer_id], now))
            elif net[key] != sum(line.total_cents for line in lines):
                # Corrections only lower a line: an equal total means every line still is
                # what was invoiced (no query per invoice that needs no note).
                note = _credit_note_for(invoice, lines, farms[producer_id], now)
                if note is not None:
                    issued.append(note)
    return issued


def _issue_sale(distribution: Distribution, lines: list[OrderLine], farm: Producer, now) -> Invoice:
    order = lines[0].order
    return issue(
        kind=Invoice.Kind.SALE,
        document=Invoice.Document.INVOICE,
        issuer_kind=Invoice.Issuer.FARM,
        issuer_id=farm.pk,
        seller=party(farm),
        buyer=household_identity(order),
        lines=[_sale_draft(line) for line in lines],
        vat_liable=farm.vat_regime == legal.LIABLE,
        operation_date=timezone.localtime(distribution.starts_at).date(),
        now=now,
        order=order,
        producer=farm,
        pickup_point=distribution.pickup_point,
        distribution=distribution,
        household=order.household,
        delivery=_delivery(distribution),
        language=_household_language(order),
        paid_at=order.paid_at,
    )


def invoiced_left(invoice: Invoice, key: Callable[[InvoiceLine], object]) -> dict:
    """What ``invoice`` still invoices after its credit notes, per line ``key``: [quantity,
    cents VAT included]."""
    left: dict = defaultdict(lambda: [Decimal(0), 0])
    for row in InvoiceLine.objects.filter(invoice__in=[invoice, *invoice.credit_notes.all()]):
        sign = -1 if row.invoice_id != invoice.pk else 1
        left[key(row)][0] += sign * row.quantity
        left[key(row)][1] += sign * row.total_incl_cents
    return left


def invoiced_per_line(invoice: Invoice) -> dict[int, tuple[Decimal, int]]:
    """A sales invoice's order lines, after its credit notes: (quantity, cents)."""
    left = invoiced_left(invoice, lambda row: row.order_line_id)
    return {line_id: (q, cents) for line_id, (q, cents) in left.items()}


def correction_drafts(
    invoice: Invoice, current: dict, key: Callable[[InvoiceLine], object]
) -> list[LineDraft]:
    """The lines of the credit note bringing ``invoice`` (and its earlier notes) down to
    ``current`` (per key: (quantity, cents, unit) sold now; a key absent: nothing left). A
    line now counted in another unit (a piece invoiced at its estimate, weighed since) gets
    back an amount, not a quantity. Sold above what was invoiced cannot happen once final (a
    correction only gives back): logged."""
    left = invoiced_left(invoice, key)
    drafts = []
    for row in invoice.lines.order_by("position"):
        quantity, cents = left[key(row)]
        now_quantity, now_cents, unit = current.get(key(row), (Decimal(0), 0, row.unit))
        if now_cents > cents:
            logger.error("Invoice %s: line %s sold above what was invoiced", invoice, row.pk)
        if now_cents >= cents:
            continue
        given_back = quantity - now_quantity if unit == row.unit else Decimal(0)
        drafts.append(
            LineDraft(
                description=row.description,
                detail=row.detail,
                quantity=given_back if given_back > 0 else Decimal(1),
                unit=row.unit if given_back > 0 else "",
                vat_rate=row.vat_rate,
                total_incl_cents=cents - now_cents,
                order_line_id=row.order_line_id,
            )
        )
    return drafts


def issue_credit_note(invoice: Invoice, drafts: list[LineDraft], now) -> Invoice:
    """A credit note correcting ``invoice``: its issuer's series, and as the invoice says the
    seller, the buyer, the VAT regime and the date of the operation it corrects (a farm that
    changed regime since does not change what it invoiced)."""
    return issue(
        kind=invoice.kind,
        document=Invoice.Document.CREDIT_NOTE,
        issuer_kind=invoice.issuer_kind,
        issuer_id=invoice.issuer_id,
        seller=invoice.seller,
        buyer=invoice.buyer,
        lines=drafts,
        vat_liable=invoice.vat_liable,
        operation_date=invoice.operation_date,
        now=now,
        corrects=invoice,
        order_id=invoice.order_id,
        producer_id=invoice.producer_id,
        pickup_point_id=invoice.pickup_point_id,
        distribution_id=invoice.distribution_id,
        household_id=invoice.household_id,
        period=invoice.period,
        delivery=invoice.delivery,
        language=invoice.language,
    )


def _credit_note_for(
    invoice: Invoice, lines: list[OrderLine], farm: Producer, now
) -> Invoice | None:
    """The credit note making a sales invoice match what is sold now, or None."""
    current = {line.pk: (*_sold_quantity(line), line.total_cents) for line in lines}
    current = {pk: (quantity, cents, unit) for pk, (quantity, unit, cents) in current.items()}
    drafts = correction_drafts(invoice, current, lambda row: row.order_line_id)
    return issue_credit_note(invoice, drafts, now) if drafts else None


@dataclass(frozen=True)
class SalesGap:
    """A sales invoice whose net (less its credit notes) is not what the lines cost now."""

    number: str
    distribution_id: int
    invoiced_cents: int
    sold_cents: int


def sales_gaps() -> list[SalesGap]:
    """Every sales invoice that, with its credit notes, invoices other than what its order's
    lines of the farm cost now — but for orders whose settlement has not run yet (their
    credit note comes after it). Three queries."""
    invoiced: dict[tuple[int, int], int] = defaultdict(int)
    invoices: dict[tuple[int, int], Invoice] = {}
    for document in Invoice.objects.filter(kind=Invoice.Kind.SALE).only(
        "number", "document", "order_id", "producer_id", "distribution_id", "total_incl_cents"
    ):
        key = (document.order_id, document.producer_id)
        invoiced[key] += (-1 if document.is_credit_note else 1) * document.total_incl_cents
        if not document.is_credit_note:
            invoices[key] = document
    orders = {order_id for order_id, _farm in invoiced}
    settling = set(
        Settlement.objects.filter(
            order_id__in=orders,
            status__in=(Settlement.Status.PENDING, Settlement.Status.WEIGHING),
        ).values_list("order_id", flat=True)
    )
    sold = {
        (row["order_id"], row["producer_id"]): row["total"]
        for row in sold_lines()
        .filter(order_id__in=orders)
        .values("order_id", "producer_id")
        .annotate(total=Sum(LINE_CENTS))
    }
    return [
        SalesGap(invoices[key].number, invoices[key].distribution_id, cents, sold.get(key, 0))
        for key, cents in sorted(invoiced.items())
        if key[0] not in settling and cents != sold.get(key, 0) and key in invoices
    ]


def issue_due_invoices(now=None) -> int:
    """The periodic sweep: distributions with lines sold by a farm under mandate and not
    invoiced yet (a farm that accepted its mandate, or completed its identity, after the
    sale), and those with an invoice its lines no longer match (a correction's credit note,
    when the payout job that follows each correction ran before its settlement)."""
    now = now or timezone.now()
    mandated = BillingMandate.objects.filter(
        payee_kind=Payout.Payee.FARM,
        payee_id=OuterRef("producer_id"),
        terms_version=TERMS_VERSION,
    )
    invoiced = Invoice.objects.filter(
        kind=Invoice.Kind.SALE,
        document=Invoice.Document.INVOICE,
        order_id=OuterRef("order_id"),
        producer_id=OuterRef("producer_id"),
    )
    due = (
        sold_lines()
        .filter(
            Exists(mandated),
            ~Exists(invoiced),
            order__distribution__status__in=[
                Distribution.Status.CLOSED,
                Distribution.Status.DONE,
            ],
        )
        .values_list("order__distribution_id", flat=True)
        .distinct()
    )
    # A correction whose settlement ran after the payout job: its credit note is due now.
    late = {gap.distribution_id for gap in sales_gaps()}
    issued = 0
    for distribution_id in sorted(set(due) | late):
        issued += len(issue_distribution_invoices(distribution_id=distribution_id, now=now))
    return issued
