"""Reads of issued invoices that the pages, the API and the exports share: who sees which
(a household its own, a farm's members those in its name or addressed to it, staff all;
anyone else a 404), a month of them, and the month as one ZIP with a CSV summary."""

from __future__ import annotations

import io
import zipfile
from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from billing.documents import invoice_filename, invoice_pdf
from billing.models import Invoice
from common.csv import csv_date, csv_text
from common.money import csv_euros, format_vat_rate
from pickup.models import PickupPoint
from producers.models import Producer


def _invoices() -> QuerySet[Invoice]:
    return Invoice.objects.select_related("corrects").order_by("-issued_at", "-pk")


def household_invoices(user: User) -> QuerySet[Invoice]:
    """What ``user`` bought, invoiced and credited, newest first."""
    return _invoices().filter(household=user, kind=Invoice.Kind.SALE)


def producer_invoices(producer: Producer, month: date | None = None) -> QuerySet[Invoice]:
    """Issued in the farm's name, or addressed to it (its commission invoices)."""
    return _in_month(_invoices().filter(producer=producer).prefetch_related("lines"), month)


def point_invoices(point: PickupPoint, month: date | None = None) -> QuerySet[Invoice]:
    """Issued in the host's name for its commissions at ``point``."""
    invoices = _invoices().filter(pickup_point=point, kind=Invoice.Kind.HOST)
    return _in_month(invoices.prefetch_related("lines"), month)


def _in_month(invoices: QuerySet[Invoice], month: date | None) -> QuerySet[Invoice]:
    if month is None:
        return invoices
    return invoices.filter(issued_at__date__gte=month, issued_at__date__lt=next_month(month))


def visible_invoices(user: User) -> QuerySet[Invoice]:
    if not user.is_authenticated:
        return Invoice.objects.none()
    if user.is_staff:
        return _invoices()
    return (
        _invoices()
        .filter(
            Q(household=user) | Q(producer__members=user) | Q(pickup_point__hosts=user, kind="host")
        )
        .distinct()
    )


def invoice_for(user: User, number: str) -> Invoice:
    """One invoice ``user`` may read, else Http404 (the same answer whether it exists)."""
    return get_object_or_404(visible_invoices(user), number=number)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def parse_month(value: str | None) -> date | None:
    """``2026-12`` → 1 December 2026; None when absent; ValueError when malformed."""
    if not value:
        return None
    year, _sep, month = value.partition("-")
    if len(year) != 4 or len(month) != 2 or not (year + month).isdigit():
        raise ValueError(value)
    return date(int(year), int(month), 1)  # ValueError on month 13


def _signed(invoice: Invoice, cents: int) -> str:
    return csv_euros(-cents if invoice.is_credit_note else cents)


DOCUMENT_TYPES = {
    (Invoice.Kind.SALE, Invoice.Document.INVOICE): "Facture de vente",
    (Invoice.Kind.SALE, Invoice.Document.CREDIT_NOTE): "Avoir sur vente",
    (Invoice.Kind.COMMISSION, Invoice.Document.INVOICE): "Facture de commission",
    (Invoice.Kind.COMMISSION, Invoice.Document.CREDIT_NOTE): "Avoir sur commission",
    (Invoice.Kind.HOST, Invoice.Document.INVOICE): "Facture de commission d’hôte",
    (Invoice.Kind.HOST, Invoice.Document.CREDIT_NOTE): "Avoir sur commission d’hôte",
}
SUMMARY_HEADER = ["Numéro", "Type", "Date", "Acheteur", "Facture corrigée", "Total HT (EUR)"]


def summary_csv(invoices: list[Invoice]) -> str:
    """One row per document (a credit note negative): number, type, date, buyer, HT, VAT
    per rate (a column per rate found), TTC — what an accountant imports."""
    rates = sorted({r["rate"] for invoice in invoices for r in invoice.vat_rates})
    header = [
        *SUMMARY_HEADER,
        *(f"TVA {format_vat_rate(rate, 'fr')} (EUR)" for rate in rates),
        "Total TVA (EUR)",
        "Total TTC (EUR)",
    ]
    rows = []
    for invoice in sorted(invoices, key=lambda i: (i.issued_at, i.number)):
        per_rate = {r["rate"]: r["vat_cents"] for r in invoice.vat_rates}
        rows.append(
            [
                invoice.number,
                DOCUMENT_TYPES[invoice.kind, invoice.document],
                csv_date(invoice.issued_at),
                invoice.buyer.get("legal_name") or invoice.buyer.get("name", ""),
                invoice.corrects.number if invoice.corrects else "",
                _signed(invoice, invoice.total_excl_cents),
                *(_signed(invoice, per_rate.get(rate, 0)) for rate in rates),
                _signed(invoice, invoice.vat_cents),
                _signed(invoice, invoice.total_incl_cents),
            ]
        )
    return csv_text(header, rows)


def month_zip(invoices: list[Invoice], month: date) -> bytes:
    """Every document's stored PDF and ``factures-<month>.csv``, in one ZIP."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for invoice in invoices:
            archive.writestr(invoice_filename(invoice), invoice_pdf(invoice.pk))
        archive.writestr(f"factures-{month:%Y-%m}.csv", summary_csv(invoices))
    return out.getvalue()


def month_of(value: str | None) -> date | None:
    """A month from a query string, Http404 when it is not one (pages)."""
    try:
        return parse_month(value)
    except ValueError:
        raise Http404("no such month") from None
