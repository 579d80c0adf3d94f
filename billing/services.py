"""Paying the farms and hosts after each distribution (state-driven, idempotent), then
issuing the distribution's invoices (``billing.invoicing``).

:func:`settle_distribution_payouts` is the one job: under the distribution's lock it computes
each farm's and host's payout from the lines sold (the shares the close recorded), decides
what to send or take back and writes each transfer or reversal row first; after the commit it
sends them to Stripe, each under its own idempotency key. Run twice, or from several workers at
once, it sends one transfer per farm and per host per distribution: the unique payout row and
the transfer's key see to it, and a row another run is sending is left to it.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from billing.final import payable
from billing.invoicing import issue_distribution_invoices
from billing.models import Payout, SeasonPayout
from billing.seasons import pay_farm_seasons, refresh_returns, send_season_payouts
from common.money import allocate
from handover.reports import sold_lines
from orders.models import LINE_CENTS
from orders.models import PAYMENT_KIND as ORDER_KIND
from orders.services.placing import lock_distribution
from payments.errors import PaymentInProgress, PaymentRejected, PaymentUnavailable
from payments.models import ConnectedAccount, Transfer, TransferReversal
from payments.services import connect
from payments.services.disputes import lost_by_purpose
from pickup.models import Distribution, PickupPoint
from producers.models import Producer

logger = logging.getLogger(__name__)

# How long after a distribution its payouts are still checked against late corrections by
# the periodic sweep (a correction also triggers the check at once).
RECHECK_DAYS = 30


@dataclass(frozen=True)
class Shares:
    sales_cents: int = 0
    host_cents: int = 0
    platform_cents: int = 0
    producer_cents: int = 0
    # Of ``producer_cents``: AMAP baskets whose season paid the farm already (SeasonPayout).
    season_cents: int = 0
    # Disputes lost on these sales' card payments: each share's part of the money taken back.
    disputed_host_cents: int = 0
    disputed_platform_cents: int = 0
    disputed_producer_cents: int = 0

    @property
    def farm_net_cents(self) -> int:
        return self.producer_cents - self.season_cents - self.disputed_producer_cents

    @property
    def host_net_cents(self) -> int:
        return self.host_cents - self.disputed_host_cents

    @property
    def platform_net_cents(self) -> int:
        return self.platform_cents - self.disputed_platform_cents

    @property
    def disputed_cents(self) -> int:
        return (
            self.disputed_host_cents + self.disputed_platform_cents + self.disputed_producer_cents
        )


# A basket line whose season was paid to its farm at subscription.
PAID_WITH_SEASON = Q(order__basket__subscription__season_payout__isnull=False) & Q(
    offer__product_id=F("order__basket__subscription__season__product_id")
)


def shares(distribution: Distribution) -> tuple[dict[int, Shares], Shares]:
    """Of the lines sold at ``distribution`` (after every correction): each farm's shares,
    by producer id, and the whole distribution's (one aggregate query)."""
    rows = (
        sold_lines()
        .filter(order__distribution=distribution)
        .values("producer_id")
        .annotate(
            sales=Coalesce(Sum(LINE_CENTS), 0),
            host=Coalesce(Sum("host_share_cents"), 0),
            platform=Coalesce(Sum("platform_share_cents"), 0),
            producer=Coalesce(Sum("producer_share_cents"), 0),
            season=Coalesce(Sum("producer_share_cents", filter=PAID_WITH_SEASON), 0),
        )
        .order_by("producer_id")
    )
    disputed = disputed_shares(distribution)
    farms = {
        row["producer_id"]: Shares(
            row["sales"],
            row["host"],
            row["platform"],
            row["producer"],
            row["season"],
            *disputed.get(row["producer_id"], (0, 0, 0)),
        )
        for row in rows
    }
    total = Shares(*(sum(getattr(s, name) for s in farms.values()) for name in SHARE_FIELDS))
    return farms, total


SHARE_FIELDS = (
    "sales_cents",
    "host_cents",
    "platform_cents",
    "producer_cents",
    "season_cents",
    "disputed_host_cents",
    "disputed_platform_cents",
    "disputed_producer_cents",
)


def disputed_shares(distribution: Distribution) -> dict[int, tuple[int, int, int]]:
    """Per farm, the (host, platform, farm) parts of the disputes lost on the card payments
    of ``distribution``'s orders: each order's lost amount is split over its lines sold, in
    proportion to every share of every line, to the cent (:func:`common.money.allocate`;
    never more than the lines are worth — the rest is the platform's loss). Two queries."""
    lost = lost_by_purpose(ORDER_KIND, distribution.orders.values("pk"))
    if not lost:
        return {}
    lines: dict[int, list[tuple]] = defaultdict(list)
    rows = (
        sold_lines()
        .filter(order_id__in=list(lost))
        .values_list("order_id", "producer_id", "host_share_cents", "platform_share_cents",
                     "producer_share_cents")
        .order_by("pk")
    )  # fmt: skip
    for order_id, producer_id, *line_shares in rows:
        lines[order_id].extend(
            (producer_id, which, share or 0) for which, share in enumerate(line_shares)
        )
    parts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for order_id, slots in sorted(lines.items()):
        weights = [share for _producer, _which, share in slots]
        taken = min(lost[order_id], sum(weights))
        for (producer_id, which, _share), cents in zip(
            slots, allocate(taken, weights), strict=True
        ):
            parts[producer_id][which] += cents
    return {producer_id: tuple(values) for producer_id, values in parts.items()}


def _statement(payout: Payout, farm: Shares, total: Shares) -> None:
    if payout.payee_kind == Payout.Payee.FARM:
        payout.sales_cents, payout.host_cents = farm.sales_cents, farm.host_cents
        payout.platform_cents, payout.season_cents = farm.platform_cents, farm.season_cents
        payout.disputed_cents, payout.net_cents = farm.disputed_producer_cents, farm.farm_net_cents
    else:
        payout.sales_cents, payout.host_cents = total.sales_cents, total.host_cents
        payout.platform_cents = total.platform_cents
        payout.disputed_cents, payout.net_cents = total.disputed_host_cents, total.host_net_cents


def _payouts(distribution: Distribution) -> list[Payout]:
    """The distribution's payouts, made or recomputed: one per farm that sold there (or was
    paid there before its lines were all refunded) and one for the host (caller holds the
    distribution's lock)."""
    farms, total = shares(distribution)
    existing = {
        (p.payee_kind, p.payee_id): p
        for p in Payout.objects.filter(distribution=distribution).select_related("transfer")
    }
    wanted = [(Payout.Payee.FARM, producer_id) for producer_id in farms]
    if total.sales_cents:
        wanted.append((Payout.Payee.HOST, distribution.pickup_point_id))
    for key in wanted:
        if key not in existing:
            kind, ref = key
            existing[key] = Payout(
                distribution=distribution,
                payee_kind=kind,
                producer_id=ref if kind == Payout.Payee.FARM else None,
                pickup_point_id=ref if kind == Payout.Payee.HOST else None,
            )
    statement = [
        "sales_cents",
        "host_cents",
        "platform_cents",
        "season_cents",
        "disputed_cents",
        "net_cents",
        "computed_at",
    ]
    for (_kind, ref), payout in existing.items():
        _statement(payout, farms.get(ref, Shares()), total)
        if payout.pk is None:
            payout.save()
        else:
            payout.save(update_fields=statement)
    return sorted(existing.values(), key=lambda p: (p.payee_kind, p.payee_id))


def outstanding_debt(kind: str, ref: int) -> int:
    """What a payee still owes: reversals its balance could not cover, and (a farm) the
    season weeks given back to households after the season paid it."""
    field = "producer_id" if kind == Payout.Payee.FARM else "pickup_point_id"
    sums = Payout.objects.filter(payee_kind=kind, **{field: ref}).aggregate(
        debt=Coalesce(Sum("debt_cents"), 0), taken=Coalesce(Sum("debt_taken_cents"), 0)
    )
    returned = 0
    if kind == Payout.Payee.FARM:
        returned = SeasonPayout.objects.filter(producer_id=ref).aggregate(
            total=Coalesce(Sum("returned_cents"), 0)
        )["total"]
    return sums["debt"] + returned - sums["taken"]


def _lock_payee(kind: str, ref: int) -> None:
    model = Producer if kind == Payout.Payee.FARM else PickupPoint
    model.objects.select_for_update().filter(pk=ref).first()


def _claim_transfer(payout: Payout, account: ConnectedAccount | None, now) -> object | None:
    """Decide the payout's transfer (caller holds the distribution's lock): what it sends,
    less an earlier debt; nothing without an account that can receive it."""
    if payout.status == Payout.Status.SENDING and payout.transfer is not None:
        payout.transfer.refresh_from_db()
        if payout.transfer.status == Transfer.Status.SENT:
            # Sent, but the run that sent it stopped before writing the payout.
            payout.status, payout.sent_cents = Payout.Status.PAID, payout.transfer.amount_cents
            payout.paid_at = payout.paid_at or now
            payout.save(update_fields=["status", "sent_cents", "paid_at"])
            return None
        claim = connect.claim_transfer(
            account=payout.transfer.account,
            key=payout.transfer.key,
            amount_cents=payout.transfer.amount_cents,
            transfer_group=payout.transfer.transfer_group,
        )
        return claim if claim.send else None
    if payout.net_cents == 0:
        payout.status = Payout.Status.NOTHING
        payout.save(update_fields=["status"])
        return None
    if account is None or not account.can_receive_transfers:
        payout.status = Payout.Status.WAITING_ACCOUNT
        payout.save(update_fields=["status"])
        return None
    _lock_payee(payout.payee_kind, payout.payee_id)
    if payout.payee_kind == Payout.Payee.FARM:
        refresh_returns(producer_id=payout.payee_id)
    take = min(payout.net_cents, outstanding_debt(payout.payee_kind, payout.payee_id))
    payout.debt_taken_cents = take
    amount = payout.net_cents - take
    if amount == 0:
        payout.status, payout.paid_at = Payout.Status.PAID, now
        payout.save(update_fields=["status", "paid_at", "debt_taken_cents"])
        return None
    claim = connect.claim_transfer(
        account=account,
        key=f"payout-{payout.distribution_id}-{payout.payee_kind}-{payout.payee_id}"
        f"-{payout.attempt}",
        amount_cents=amount,
        transfer_group=payout.transfer_group,
    )
    payout.transfer = claim.row
    payout.status = Payout.Status.SENDING
    payout.save(update_fields=["transfer", "status", "debt_taken_cents"])
    return claim if claim.send else None


def _claim_reversal(payout: Payout):
    """Money refunded after the transfer: take back what the payee holds beyond its net,
    from the transfer (what is left of it), the rest carried as a debt."""
    excess = payout.held_cents - payout.net_cents
    if excess <= 0:
        if excess < 0:
            logger.error("Payout %s holds less than it earns: %s cents", payout.pk, -excess)
        return None
    transfer = payout.transfer
    reversible = 0
    if transfer is not None and transfer.status == Transfer.Status.SENT:
        taken = transfer.reversals.exclude(status=TransferReversal.Status.FAILED).aggregate(
            total=Coalesce(Sum("amount_cents"), 0)
        )["total"]
        reversible = transfer.amount_cents - taken
    amount = min(excess, reversible)
    payout.debt_cents += excess - amount
    payout.reversed_cents += amount
    payout.save(update_fields=["debt_cents", "reversed_cents"])
    if not amount:
        return None
    number = transfer.reversals.count() + 1
    return connect.claim_reversal(
        transfer=transfer, key=f"{transfer.key}-reversal-{number}", amount_cents=amount
    )


def _stale_reversals(payout: Payout) -> list:
    if payout.transfer is None:
        return []
    claims = []
    for reversal in payout.transfer.reversals.filter(
        status__in=[TransferReversal.Status.CREATING, TransferReversal.Status.UNKNOWN]
    ):
        claim = connect.claim_reversal(
            transfer=payout.transfer, key=reversal.key, amount_cents=reversal.amount_cents
        )
        if claim.send:
            claims.append(claim)
    return claims


def settle_distribution_payouts(*, distribution_id: int, now=None) -> list[Payout]:
    """Make the distribution's payouts true: computed from what was sold; once it is payable,
    each sent (or waiting for an account, or nothing to pay); after that, what was refunded
    taken back. Returns its payouts."""
    now = now or timezone.now()
    transfers, reversals = [], []
    with transaction.atomic():
        distribution = lock_distribution(distribution_id)
        if distribution.status not in (Distribution.Status.CLOSED, Distribution.Status.DONE):
            return list(Payout.objects.filter(distribution=distribution))
        payouts = _payouts(distribution)
        ready = payable(distribution, now)
        accounts = {
            kind: connect.accounts_of(kind, [p.payee_id for p in payouts if p.payee_kind == kind])
            for kind in (Payout.Payee.FARM, Payout.Payee.HOST)
        }
        for producer_id in [p.payee_id for p in payouts if p.payee_kind == Payout.Payee.FARM]:
            refresh_returns(producer_id=producer_id)
        for payout in payouts:
            if payout.status == Payout.Status.PAID:
                reversals.extend(_stale_reversals(payout))
                claim = _claim_reversal(payout)
                if claim is not None and claim.send:
                    reversals.append(claim)
            elif ready:
                account = accounts[payout.payee_kind].get(payout.payee_id)
                claim = _claim_transfer(payout, account, now)
                if claim is not None:
                    transfers.append((payout.pk, claim))
    for payout_id, claim in transfers:
        _send_transfer(payout_id, claim.row, now)
    for claim in reversals:
        _send_reversal(claim.row)
    # The sale is final once payable: its invoices (and credit notes for later corrections).
    issue_distribution_invoices(distribution_id=distribution_id, now=now)
    return list(Payout.objects.filter(distribution_id=distribution_id).order_by("pk"))


def _metadata(payout: Payout) -> dict[str, str]:
    return {
        "distribution_id": str(payout.distribution_id),
        "payee": f"{payout.payee_kind}-{payout.payee_id}",
    }


def _send_transfer(payout_id: int, transfer: Transfer, now) -> None:
    payout = Payout.objects.get(pk=payout_id)
    try:
        connect.send_transfer(transfer, metadata=_metadata(payout))
    except PaymentRejected as exc:
        logger.error("Transfer %s refused by Stripe: %s", transfer.key, exc.as_dict())
        # Every write to a payout is made under its distribution's lock (no lost update).
        with transaction.atomic():
            lock_distribution(payout.distribution_id)
            Payout.objects.filter(pk=payout_id, transfer=transfer).update(
                transfer=None,
                status=Payout.Status.UPCOMING,
                debt_taken_cents=0,
                attempt=payout.attempt + 1,
            )
        return
    except (PaymentInProgress, PaymentUnavailable):
        return  # sent again by the next run, with the same key
    with transaction.atomic():
        lock_distribution(payout.distribution_id)
        Payout.objects.filter(pk=payout_id, transfer=transfer).update(
            status=Payout.Status.PAID, sent_cents=transfer.amount_cents, paid_at=now
        )


def _send_reversal(reversal: TransferReversal) -> None:
    payout = Payout.objects.get(transfer=reversal.transfer_id)
    try:
        connect.send_reversal(reversal, metadata=_metadata(payout))
    except PaymentRejected as exc:
        code = exc.extra.get("stripe_code", "")
        with transaction.atomic():
            lock_distribution(payout.distribution_id)
            payout = Payout.objects.get(pk=payout.pk)
            payout.reversed_cents -= reversal.amount_cents
            if code == "balance_insufficient":
                # The farm's balance went to its bank: it owes it, taken from its next payout.
                payout.debt_cents += reversal.amount_cents
            payout.save(update_fields=["reversed_cents", "debt_cents"])
        return
    except (PaymentInProgress, PaymentUnavailable):
        return


def due_distributions(now=None) -> list[int]:
    """Distributions whose payouts have something left to do: done or past their payout
    delay, with lines sold, and payouts not all made; plus those of the last
    :data:`RECHECK_DAYS` already paid (late refunds are taken back)."""
    now = now or timezone.now()
    finished = Q(status=Distribution.Status.DONE) | Q(
        status=Distribution.Status.CLOSED,
        ends_at__lte=now - timedelta(days=settings.PAYOUT_DELAY_DAYS),
    )
    unfinished = (
        Distribution.objects.filter(finished)
        .annotate(
            open_payouts=Count(
                "payouts",
                filter=Q(
                    payouts__status__in=[
                        Payout.Status.UPCOMING,
                        Payout.Status.WAITING_ACCOUNT,
                        Payout.Status.SENDING,
                    ]
                ),
            ),
            all_payouts=Count("payouts"),
        )
        .filter(Q(open_payouts__gt=0) | Q(all_payouts=0))
        .filter(orders__status__in=["confirmed", "no_show"])
        .distinct()
        .values_list("pk", flat=True)
    )
    recent = Distribution.objects.filter(
        payouts__status=Payout.Status.PAID, ends_at__gte=now - timedelta(days=RECHECK_DAYS)
    ).values_list("pk", flat=True)
    return sorted(set(unfinished) | set(recent))


def pay_due_distributions(now=None) -> int:
    """The periodic job: every distribution with payouts to make or check, each on its own."""
    done = 0
    for distribution_id in due_distributions(now):
        try:
            settle_distribution_payouts(distribution_id=distribution_id, now=now)
            done += 1
        except PaymentUnavailable:
            logger.warning("Stripe unavailable: payouts of distribution %s wait", distribution_id)
    return done + send_season_payouts()


def pay_account_owner(*, account_id: int) -> int:
    """An account changed: if it can receive transfers, pay what its owner was owed."""
    account = ConnectedAccount.objects.filter(pk=account_id).first()
    if account is None or not account.can_receive_transfers:
        return 0
    field = "producer_id" if account.owner_kind == Payout.Payee.FARM else "pickup_point_id"
    waiting = (
        Payout.objects.filter(
            payee_kind=account.owner_kind,
            status=Payout.Status.WAITING_ACCOUNT,
            **{field: account.owner_id},
        )
        .values_list("distribution_id", flat=True)
        .distinct()
    )
    for distribution_id in sorted(set(waiting)):
        settle_distribution_payouts(distribution_id=distribution_id)
    return len(set(waiting)) + pay_farm_seasons(account)


def owed_totals(payouts) -> dict[str, int]:
    """Sums of a payee's payouts for its page: paid, waiting for the account, upcoming."""
    totals: dict[str, int] = defaultdict(int)
    for payout in payouts:
        totals[payout.status] += payout.net_cents
    return dict(totals)
