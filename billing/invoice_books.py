"""What ``manage.py reconcile`` checks of the invoices (registered in ``payments.books``):
every series runs 1, 2, 3… with no gap; each document's lines add up to its totals and its
VAT per rate; no invoice is credited beyond what it invoiced; and each sales invoice of a
final sale, with its credit notes, invoices exactly what the order's lines of that farm
cost now (what the household paid and kept for them)."""

from __future__ import annotations

import re
from collections import defaultdict

from django.db.models import Sum

from billing.invoicing import sales_gaps
from billing.models import Invoice, InvoiceLine, InvoiceSequence
from common.money import format_eur

NUMBER = re.compile(r"^(?P<prefix>.+)-(?P<year>\d{4})-(?P<serial>\d{6})$")


def _series() -> list[str]:
    problems = []
    taken: dict[tuple[str, int], list[int]] = defaultdict(list)
    for number in Invoice.objects.values_list("number", flat=True):
        found = NUMBER.match(number)
        if found is None:
            problems.append(f"invoice {number}: not a number of a series")
            continue
        taken[found["prefix"], int(found["year"])].append(int(found["serial"]))
    last = {(s.prefix, s.year): s.last for s in InvoiceSequence.objects.all()}
    for key in sorted(set(taken) | set(last)):
        serials = sorted(taken.get(key, []))
        if serials != list(range(1, last.get(key, 0) + 1)):
            prefix, year = key
            problems.append(
                f"series {prefix}-{year}: numbers {serials[:3]}… do not run 1 to "
                f"{last.get(key, 0)} without a gap"
            )
    return problems


def _documents() -> list[str]:
    problems = []
    per_rate: dict[int, dict[int, int]] = defaultdict(dict)
    for row in InvoiceLine.objects.values("invoice_id", "vat_rate").annotate(
        total=Sum("total_incl_cents")
    ):
        per_rate[row["invoice_id"]][row["vat_rate"]] = row["total"]
    for invoice in Invoice.objects.only("number", "total_incl_cents", "vat_rates"):
        stated = {r["rate"]: r["total_incl_cents"] for r in invoice.vat_rates}
        if (
            stated != per_rate.get(invoice.pk, {})
            or sum(stated.values()) != invoice.total_incl_cents
        ):
            problems.append(f"invoice {invoice.number}: its lines do not add up to its totals")
    return problems


def _credited() -> list[str]:
    problems = []
    credited = defaultdict(int)
    for corrects, total in Invoice.objects.filter(
        document=Invoice.Document.CREDIT_NOTE
    ).values_list("corrects_id", "total_incl_cents"):
        credited[corrects] += total
    for invoice in Invoice.objects.filter(pk__in=list(credited)):
        if credited[invoice.pk] > invoice.total_incl_cents:
            problems.append(
                f"invoice {invoice.number}: credited {format_eur(credited[invoice.pk])}, more "
                f"than its {format_eur(invoice.total_incl_cents)}"
            )
    return problems


def _sales() -> list[str]:
    return [
        f"invoice {gap.number}: invoices {format_eur(gap.invoiced_cents)} after its credit "
        f"notes, the order's lines of the farm cost {format_eur(gap.sold_cents)}"
        for gap in sales_gaps()
    ]


def check_invoices() -> list[str]:
    return [*_series(), *_documents(), *_credited(), *_sales()]
