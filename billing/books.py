"""What ``manage.py reconcile`` checks of the payouts (registered in ``payments.books``)."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Sum
from django.db.models.functions import Coalesce

from billing.models import Payout, SeasonPayout
from billing.seasons import refresh_returns
from billing.services import shares
from common.money import format_eur
from orders.models import Settlement
from payments.models import Payment, Transfer, TransferReversal
from pickup.models import Distribution
from subscriptions.models import PAYMENT_KIND as SUBSCRIPTION_KIND


def check_payouts() -> list[str]:
    """Per distribution paid out and with no settlement left to run: its sales = farms + host
    + platform + disputes lost, each payout as the lines (and disputes) say now; per paid
    payout: sent + debt deducted − taken back − debt carried = net, and its transfer sent what
    it says; no payee owes a negative debt; every transfer that left belongs to a payout."""
    problems: list[str] = []
    payouts = list(Payout.objects.select_related("transfer").order_by("distribution_id", "pk"))
    by_distribution: dict[int, list[Payout]] = defaultdict(list)
    for payout in payouts:
        by_distribution[payout.distribution_id].append(payout)
    distributions = Distribution.objects.in_bulk(list(by_distribution))
    # A correction whose settlement has not run yet: the payouts catch up after it (the job
    # waits for every settlement), so their statements may lag the lines until then.
    settling = set(
        Settlement.objects.filter(
            order__distribution_id__in=list(by_distribution),
            status__in=(Settlement.Status.PENDING, Settlement.Status.WEIGHING),
        ).values_list("order__distribution_id", flat=True)
    )
    for distribution_id, rows in by_distribution.items():
        problems.extend(_check_paid(distribution_id, rows))
        if distribution_id in settling:
            continue
        _farms, total = shares(distributions[distribution_id])
        farm_net = sum(p.net_cents for p in rows if p.payee_kind == Payout.Payee.FARM)
        host_net = sum(p.net_cents for p in rows if p.payee_kind == Payout.Payee.HOST)
        season, disputed = total.season_cents, total.disputed_cents
        platform = total.platform_net_cents
        if farm_net + season + host_net + platform + disputed != total.sales_cents or (
            farm_net != total.farm_net_cents or host_net != total.host_net_cents
        ):
            problems.append(
                f"distribution {distribution_id}: sales {format_eur(total.sales_cents)} ≠ "
                f"farms {format_eur(farm_net)} + paid with seasons {format_eur(season)} + host "
                f"{format_eur(host_net)} + platform {format_eur(platform)} + lost to disputes "
                f"{format_eur(disputed)}"
            )
    debts: dict[tuple[str, int], int] = defaultdict(int)
    for payout in payouts:
        debts[(payout.payee_kind, payout.payee_id)] += payout.debt_cents - payout.debt_taken_cents
    # What each farm was paid for and does not deliver, as the subscriptions say now.
    for producer_id in SeasonPayout.objects.values_list("producer_id", flat=True).distinct():
        refresh_returns(producer_id=producer_id)
    seasons = list(SeasonPayout.objects.select_related("transfer").order_by("pk"))
    for row in seasons:
        debts[(Payout.Payee.FARM, row.producer_id)] += row.returned_cents
    problems.extend(_check_season_payouts(seasons))
    for (kind, ref), debt in sorted(debts.items()):
        if debt < 0:
            problems.append(f"{kind} {ref} had more debt deducted than it owed: {debt} c")
    orphans = Transfer.objects.exclude(status=Transfer.Status.FAILED).filter(
        payout__isnull=True, season_payout__isnull=True
    )
    for transfer in orphans:
        problems.append(f"transfer {transfer} ({format_eur(transfer.amount_cents)}) pays no payout")
    return problems


def _check_paid(distribution_id: int, rows: list[Payout]) -> list[str]:
    """Each paid payout holds what it earns, and its transfer and reversals say the same."""
    problems = []
    for payout in rows:
        if payout.status != Payout.Status.PAID:
            continue
        if payout.held_cents != payout.net_cents:
            problems.append(
                f"payout {payout.pk} ({payout.payee_kind} {payout.payee_id}, distribution "
                f"{distribution_id}) holds {format_eur(payout.held_cents)} but earns "
                f"{format_eur(payout.net_cents)}"
            )
        transfer = payout.transfer
        sent = transfer.amount_cents if transfer and transfer.status == "sent" else 0
        if sent != payout.sent_cents:
            problems.append(
                f"payout {payout.pk}: its transfer sent {format_eur(sent)}, the payout "
                f"says {format_eur(payout.sent_cents)}"
            )
        if transfer is not None:
            back = transfer.reversals.exclude(status=TransferReversal.Status.FAILED)
            taken = back.aggregate(total=Coalesce(Sum("amount_cents"), 0))["total"]
            if taken != payout.reversed_cents:
                problems.append(
                    f"payout {payout.pk}: its reversals take back {format_eur(taken)}, "
                    f"the payout says {format_eur(payout.reversed_cents)}"
                )
    return problems


def _check_season_payouts(rows: list[SeasonPayout]) -> list[str]:
    """Per season paid to a farm: its card payment sent what the row says (amount − the
    platform's fee), and once paid, card + transfer = the farm's share."""
    problems = []
    if not rows:
        return problems
    charged: dict[int, int] = defaultdict(int)
    payments = Payment.objects.filter(
        purpose_kind=SUBSCRIPTION_KIND,
        purpose_id__in=[row.subscription_id for row in rows],
        status="succeeded",
    ).exclude(seller_account_id="")
    for payment in payments.annotate(back=Coalesce(Sum("refunds__amount_cents"), 0)):
        if payment.back == 0:
            charged[payment.purpose_id] += (
                payment.amount_received_cents - payment.application_fee_cents
            )
    for row in rows:
        if charged[row.subscription_id] != row.charged_cents:
            problems.append(
                f"season payout {row.pk} (subscription {row.subscription_id}): its card payment "
                f"sent the farm {format_eur(charged[row.subscription_id])}, the row says "
                f"{format_eur(row.charged_cents)}"
            )
        if row.status == SeasonPayout.Status.PAID and row.sent_cents != row.farm_cents:
            problems.append(
                f"season payout {row.pk}: the farm received {format_eur(row.sent_cents)} of its "
                f"share {format_eur(row.farm_cents)}"
            )
    return problems
