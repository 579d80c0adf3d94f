"""Reads of the money that pages and the API share."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import User
from payments.ledger import label_entries
from payments.models import CreditEntry
from payments.services.wallet import balance


@dataclass
class Ledger:
    balance_cents: int
    entries: list[CreditEntry]


def credit_ledger(*, user: User, limit: int = 100) -> Ledger:
    """The balance (sum of every row) and the latest movements, each with its ``label`` in
    the active language, as its owner names it (:mod:`payments.ledger`)."""
    entries = CreditEntry.objects.filter(household=user).order_by("-created_at", "-pk")[:limit]
    return Ledger(balance(household=user), label_entries(entries))
