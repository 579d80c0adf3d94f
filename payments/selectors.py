"""Reads of the money that pages and the API share."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import User
from payments.models import CreditEntry
from payments.services.wallet import balance


@dataclass
class Ledger:
    balance_cents: int
    entries: list[CreditEntry]


def credit_ledger(*, user: User, limit: int = 100) -> Ledger:
    """The balance (sum of every row) and the latest movements."""
    entries = list(
        CreditEntry.objects.filter(household=user).order_by("-created_at", "-pk")[:limit]
    )
    return Ledger(balance(household=user), entries)
