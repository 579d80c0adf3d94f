"""How the credit ledger names the movements payments writes itself: top-ups, and credit
given back to a card (registered with :mod:`payments.ledger` in ``PaymentsConfig.ready``)."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from payments.ledger import register_describer
from payments.models import CreditEntry


def describe_topups(entries: list[CreditEntry]) -> Mapping[int, str]:
    return {entry.pk: _("Credit topped up by card") for entry in entries}


def describe_withdrawals(entries: list[CreditEntry]) -> Mapping[int, str]:
    return {
        entry.pk: (
            _("Refund to your card refused by the bank: back in your credit")
            if entry.reference.endswith("-refused")
            else _("Refund in your credit: your card had already received that much of it")
            if entry.reference.startswith("withdrawal-back-")
            else _("Credit given back to your card")
        )
        for entry in entries
    }


def register() -> None:
    register_describer("topup-", describe_topups)
    register_describer("withdrawal-", describe_withdrawals)
