"""Reads of payouts that the farm's and host's pages, the API and the admin share."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from billing.models import Payout, SeasonPayout
from billing.seasons import refresh_returns
from billing.services import outstanding_debt, shares
from payments.models import TransferReversal
from pickup.models import Distribution, PickupPoint
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


def producer_season_payouts(producer: Producer) -> QuerySet[SeasonPayout]:
    """What the farm received for the AMAP subscriptions it sold, newest first (the weeks
    given back recomputed first)."""
    refresh_returns(producer_id=producer.pk)
    return (
        SeasonPayout.objects.filter(producer=producer)
        .select_related("subscription__season__product", "subscription__pickup_point", "transfer")
        .order_by("-created_at", "-pk")
    )


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


@dataclass(frozen=True)
class DistributionRow:
    distribution: object
    sales_cents: int  # what the cards kept for the lines sold (shares' total)
    farms_cents: int
    hosts_cents: int
    platform_cents: int
    seasons_cents: int = 0  # AMAP baskets whose season paid the farm already
    disputed_cents: int = 0  # disputes lost: the households' banks took it back

    @property
    def ok(self) -> bool:
        return self.sales_cents == (
            self.farms_cents
            + self.seasons_cents
            + self.hosts_cents
            + self.platform_cents
            + self.disputed_cents
        )


def distribution_report(*, limit: int = 200) -> tuple[list[DistributionRow], list[tuple]]:
    """Per distribution with payouts: sales = farms + hosts + platform + disputes lost, to the
    cent; and the platform's revenue per month (its shares less its part of disputes lost),
    newest first."""
    distributions = (
        Distribution.objects.filter(payouts__isnull=False)
        .distinct()
        .select_related("pickup_point")
        .order_by("-starts_at")[:limit]
    )
    rows, months = [], defaultdict(int)
    for distribution in distributions:
        payouts = list(distribution.payouts.all())
        _farms, total = shares(distribution)
        row = DistributionRow(
            distribution=distribution,
            sales_cents=total.sales_cents,
            farms_cents=sum(p.net_cents for p in payouts if p.payee_kind == Payout.Payee.FARM),
            hosts_cents=sum(p.net_cents for p in payouts if p.payee_kind == Payout.Payee.HOST),
            platform_cents=total.platform_net_cents,
            seasons_cents=total.season_cents,
            disputed_cents=total.disputed_cents,
        )
        rows.append(row)
        months[distribution.starts_at.date().replace(day=1)] += row.platform_cents
    return rows, sorted(months.items(), reverse=True)
