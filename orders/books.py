"""An order's books, for ``manage.py reconcile`` (:mod:`payments.books`): what each order must
keep, and which credit movements are its own.

An order keeps its active lines' total while paid, and after the close while sold (handed
over or not collected), with the margin authorised for its lines sold by weight until they
are weighed; nothing once cancelled or expired. While it awaits its card it holds
only the credit already put in. A basket order's prepayment comes in from its season. Between
the close (or a correction) and its settlement's task, or while its lines wait to be weighed,
the card keeps what the settlement says; the rest is on its way back.
"""

from __future__ import annotations

import re

from orders.models import PAYMENT_KIND, SOLD_STATUSES, Order, Settlement
from payments.books import Holding, Ledger
from payments.models import CreditEntry

KEEPING = (Order.Status.PAID, *SOLD_STATUSES)

# Credit spent on an order or given back for it: ``order-<id>-…``, ``basket-order-<id>-…``;
# a captured payment kept as credit at the close: ``payment-<payment id>-close``.
ORDER_REFERENCE = re.compile(r"^(?:basket-)?order-(\d+)-")
PAYMENT_REFERENCE = re.compile(r"^payment-(\d+)-")


def holdings():
    rows = Order.objects.values_list(
        "pk", "household_id", "status", "total_cents", "margin_cents", "prepaid_cents"
    )
    waiting = set(
        Order.objects.filter(status=Order.Status.AWAITING_PAYMENT).values_list("pk", flat=True)
    )
    credit_waiting: dict[int, int] = {}
    movements = CreditEntry.objects.filter(reference__contains="order-").values_list(
        "reference", "amount_cents"
    )
    for reference, amount in movements.iterator():
        found = ORDER_REFERENCE.match(reference)
        if found and int(found.group(1)) in waiting:
            pk = int(found.group(1))
            credit_waiting[pk] = credit_waiting.get(pk, 0) - amount
    pending = dict(
        Settlement.objects.filter(
            status__in=(Settlement.Status.PENDING, Settlement.Status.WEIGHING)
        ).values_list("order_id", "card_keep_cents")
    )
    for pk, household_id, status, total, margin, prepaid in rows.iterator():
        if status in KEEPING:
            kept = total + margin
        elif status == Order.Status.AWAITING_PAYMENT:
            kept = credit_waiting.get(pk, 0) + prepaid
        else:
            kept = 0
        yield Holding(
            kind=PAYMENT_KIND,
            ref=pk,
            household_id=household_id,
            kept_cents=kept,
            moved_in_cents=prepaid,
            label=f"order #{pk} ({status})",
            card_keep_cents=pending.get(pk),
        )


def credit_owners(references: dict[int, str], payments: dict[int, tuple[str, int]]):
    owners = {}
    for entry, reference in references.items():
        found = ORDER_REFERENCE.match(reference)
        if found:
            owners[entry] = (PAYMENT_KIND, int(found.group(1)))
            continue
        found = PAYMENT_REFERENCE.match(reference)
        if found and payments.get(int(found.group(1)), ("",))[0] == PAYMENT_KIND:
            owners[entry] = payments[int(found.group(1))]
    return owners


ORDER_LEDGER = Ledger(kind=PAYMENT_KIND, holdings=holdings, credit_owners=credit_owners)
