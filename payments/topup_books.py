"""The books payments keeps itself, for ``manage.py reconcile`` (:mod:`payments.books`):
credit top-ups, and the credit given back to a card.

A top-up keeps nothing: its card money became credit (``topup-<id>``). Credit given back to a
card is a refund of one payment and a debit of the ledger (``withdrawal-<n>-p<payment>``,
and ``…-refused`` when Stripe would not take it and the money became credit again): both
belong to the thing that payment paid for, so its books stay even. So does what that thing
gives back later beyond what the card has left (``withdrawal-back-p<payment>-r<refund>``).
"""

from __future__ import annotations

import re

from payments.books import Holding, Ledger
from payments.models import Topup
from payments.services.topups import KIND

TOPUP_REFERENCE = re.compile(r"^topup-(\d+)$")
# withdrawal-<n>-p<payment> (the debit), withdrawal-u<household>-<n>-p<payment>-refused, and
# withdrawal-back-p<payment>-r<refund>: what a payment's owner gave back later and the card,
# already refunded that much credit, could not take (``payments.services.refunds.give_back``).
WITHDRAWAL_REFERENCE = re.compile(
    r"^withdrawal-(?:(?:u\d+-)?\d+-p(\d+)(?:-refused)?|back-p(\d+)-r\d+)$"
)


def holdings():
    for pk, household_id, status in Topup.objects.values_list("pk", "household_id", "status"):
        yield Holding(
            kind=KIND,
            ref=pk,
            household_id=household_id,
            kept_cents=0,
            label=f"top-up {pk} ({status})",
        )


def credit_owners(references: dict[int, str], payments: dict[int, tuple[str, int]]):
    owners = {}
    for entry, reference in references.items():
        found = TOPUP_REFERENCE.match(reference)
        if found:
            owners[entry] = (KIND, int(found.group(1)))
            continue
        found = WITHDRAWAL_REFERENCE.match(reference)
        if found and int(found.group(1) or found.group(2)) in payments:
            owners[entry] = payments[int(found.group(1) or found.group(2))]
    return owners


TOPUP_LEDGER = Ledger(kind=KIND, holdings=holdings, credit_owners=credit_owners)
