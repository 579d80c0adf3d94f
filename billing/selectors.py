"""Reads of payouts that the farm's and host's pages, the API and the admin share."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from billing.models import Payout
from billing.services import outstanding_debt
from payments.models import TransferReversal
from pickup.models import PickupPoint
from producers.models import Producer


def _payouts() -> QuerySet[Payout]:
    return (
        Payout.objects.select_related("distribution__pickup_point", "transfer")
        .prefetch_related(
            Prefetch("transfer__reversals", queryset=TransferReversal.objects.order_by("pk"))
        )
        .order_by("-distribution__starts_at", "-pk")
    )


def producer_payouts(producer: Producer) -> QuerySet[Payout]:
    """The farm's payouts, newest distribution first."""
    return _payouts().filter(payee_kind=Payout.Payee.FARM, producer=producer)


def point_payouts(point: PickupPoint) -> QuerySet[Payout]:
    """The host's commissions at ``point``, newest distribution first."""
    return _payouts().filter(payee_kind=Payout.Payee.HOST, pickup_point=point)


@dataclass(frozen=True)
class PayoutTotals:
    paid_cents: int
    waiting_account_cents: int  # owed, paid once the payee's payouts are activated
    upcoming_cents: int
    sending_cents: int
    debt_cents: int  # reversals not covered yet, taken from the next payout


def payout_totals(payouts, *, kind: str, ref: int) -> PayoutTotals:
    sums: dict[str, int] = {}
    for payout in payouts:
        held = payout.held_cents if payout.status == Payout.Status.PAID else payout.net_cents
        sums[payout.status] = sums.get(payout.status, 0) + held
    return PayoutTotals(
        paid_cents=sums.get(Payout.Status.PAID, 0),
        waiting_account_cents=sums.get(Payout.Status.WAITING_ACCOUNT, 0),
        upcoming_cents=sums.get(Payout.Status.UPCOMING, 0),
        sending_cents=sums.get(Payout.Status.SENDING, 0),
        debt_cents=max(outstanding_debt(kind, ref), 0),
    )
