"""Paying a farm its AMAP seasons (the farm is the seller of record; see :class:`SeasonPayout`).

When a subscription is paid (``subscriptions.signals.season_paid``), :func:`record_season_payout`
writes the farm's season payout under the subscription's lock: what the card's destination
charge already sent it, and a transfer row for what the household's credit paid, sent after the
commit under its own idempotency key (``season-<subscription>-<attempt>``). A lost answer is
sent again by the periodic sweep (:func:`send_season_payouts`) under the same key; a refused
one under the next; an account that cannot receive transfers yet is paid when it can.

The weeks the farm was paid for but does not deliver (skipped, credited, cancelled, or a
basket given back at the close) are recomputed from the subscription's weeks
(:func:`refresh_returns`) and become a debt taken from the farm's next payouts.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from billing.models import SeasonPayout
from common.money import times
from orders.models import SOLD_STATUSES, OrderLine
from payments.errors import PaymentInProgress, PaymentRejected, PaymentUnavailable
from payments.models import ConnectedAccount, Payment, Transfer
from payments.services import connect
from pickup.models import Distribution
from subscriptions.models import PAYMENT_KIND, Subscription
from subscriptions.services.seasons import farm_week_cents

logger = logging.getLogger(__name__)

Status = SeasonPayout.Status
# Distributions whose basket is settled: delivered or given back for good.
OVER = (Distribution.Status.CLOSED, Distribution.Status.DONE, Distribution.Status.CANCELLED)


def transfer_group(subscription: Subscription) -> str:
    return f"season-{subscription.season_id}"


def record_season_payout(*, subscription_id: int) -> SeasonPayout | None:
    """The subscription's season payout, written once (caller holds the subscription's lock,
    inside the transaction that made it active); its transfer is sent after the commit."""
    existing = SeasonPayout.objects.filter(subscription_id=subscription_id).first()
    if existing is not None:
        return existing
    subscription = Subscription.objects.select_related("season__product").get(pk=subscription_id)
    if subscription.status != Subscription.Status.ACTIVE:
        return None
    farm_cents = times(farm_week_cents(subscription.price_cents), subscription.weeks_paid)
    paid = (
        Payment.objects.filter(
            purpose_kind=PAYMENT_KIND, purpose_id=subscription.pk, status="succeeded"
        )
        .exclude(seller_account_id="")
        .order_by("pk")
        .first()
    )
    charged = paid.amount_received_cents - paid.application_fee_cents if paid else 0
    payout = SeasonPayout.objects.create(
        subscription=subscription,
        producer_id=subscription.season.product.producer_id,
        farm_cents=farm_cents,
        charged_cents=min(charged, farm_cents),
    )
    transfer = _claim(payout)
    if transfer is not None:
        transaction.on_commit(lambda: _deliver(payout.pk, transfer))
    return payout


def _claim(payout: SeasonPayout) -> Transfer | None:
    """Decide the payout's transfer (caller holds the payout's or the subscription's lock)."""
    if payout.to_transfer_cents == 0:
        payout.status, payout.paid_at = Status.PAID, payout.paid_at or timezone.now()
        payout.save(update_fields=["status", "paid_at"])
        return None
    account = connect.account_of("producer", payout.producer_id)
    if account is None or not account.can_receive_transfers:
        payout.status = Status.WAITING_ACCOUNT
        payout.save(update_fields=["status"])
        return None
    claim = connect.claim_transfer(
        account=account,
        key=f"season-{payout.subscription_id}-{payout.attempt}",
        amount_cents=payout.to_transfer_cents,
        transfer_group=transfer_group(payout.subscription),
    )
    payout.transfer, payout.status = claim.row, Status.SENDING
    payout.save(update_fields=["transfer", "status"])
    return claim.row if claim.send else None


def send_season_payout(payout_id: int) -> SeasonPayout:
    """Send the payout's transfer if it is due (idempotent: a transfer another run is sending
    is left to it)."""
    with transaction.atomic():
        payout = SeasonPayout.objects.select_for_update().get(pk=payout_id)
        transfer = None
        if payout.status == Status.WAITING_ACCOUNT:
            transfer = _claim(payout)
        elif payout.status == Status.SENDING and payout.transfer is not None:
            if payout.transfer.status == Transfer.Status.SENT:
                payout.status, payout.paid_at = Status.PAID, payout.paid_at or timezone.now()
                payout.save(update_fields=["status", "paid_at"])
            else:
                claim = connect.claim_transfer(
                    account=payout.transfer.account,
                    key=payout.transfer.key,
                    amount_cents=payout.transfer.amount_cents,
                    transfer_group=payout.transfer.transfer_group,
                )
                transfer = claim.row if claim.send else None
    if transfer is None:
        return payout
    return _deliver(payout_id, transfer)


def _deliver(payout_id: int, transfer: Transfer) -> SeasonPayout:
    """Send a claimed transfer (outside any transaction) and write what Stripe said."""
    payout = SeasonPayout.objects.get(pk=payout_id)
    metadata = {
        "subscription_id": str(payout.subscription_id),
        "payee": f"producer-{payout.producer_id}",
    }
    try:
        connect.send_transfer(transfer, metadata=metadata)
    except PaymentRejected as exc:
        logger.error("Season transfer %s refused by Stripe: %s", transfer.key, exc.as_dict())
        SeasonPayout.objects.filter(pk=payout_id, transfer=transfer).update(
            transfer=None, status=Status.WAITING_ACCOUNT, attempt=payout.attempt + 1
        )
        return SeasonPayout.objects.get(pk=payout_id)
    except (PaymentInProgress, PaymentUnavailable):
        return SeasonPayout.objects.get(pk=payout_id)  # sent again by the sweep, same key
    SeasonPayout.objects.filter(pk=payout_id, transfer=transfer).update(
        status=Status.PAID, paid_at=timezone.now()
    )
    return SeasonPayout.objects.get(pk=payout_id)


def send_season_payouts() -> int:
    """Periodic sweep: the weeks each farm gives back recomputed, and every season payout not
    yet paid tried again. Returns how many were paid."""
    for producer_id in SeasonPayout.objects.values_list("producer_id", flat=True).distinct():
        refresh_returns(producer_id=producer_id)
    due = SeasonPayout.objects.exclude(status=Status.PAID).order_by("pk")
    done = 0
    for pk in due.values_list("pk", flat=True):
        if send_season_payout(pk).status == Status.PAID:
            done += 1
    return done


def pay_farm_seasons(account: ConnectedAccount) -> int:
    """An account became able to receive transfers: its farm's waiting season payouts."""
    if account.owner_kind != "producer":
        return 0
    waiting = SeasonPayout.objects.filter(
        producer_id=account.owner_id, status=Status.WAITING_ACCOUNT
    ).order_by("pk")
    return sum(
        send_season_payout(pk).status == Status.PAID for pk in waiting.values_list("pk", flat=True)
    )


# --- Weeks the farm was paid for and does not deliver -------------------------------------


def kept_weeks(subscription: Subscription, baskets: list[tuple]) -> int:
    """The paid weeks the farm keeps: baskets delivered (their basket line sold at the close)
    and, while the subscription is active, weeks still to come (no basket given back, skipped
    or credited). ``baskets``: (week, distribution status, order status, line active) of its
    basket orders."""
    delivered, to_come, given_back = set(), set(), set()
    for week, distribution_status, order_status, line_active in baskets:
        if distribution_status in OVER:
            if line_active and order_status in SOLD_STATUSES:
                delivered.add(week)
            else:
                given_back.add(week)
        elif line_active:
            to_come.add(week)
        else:
            given_back.add(week)
    if subscription.status == Subscription.Status.ACTIVE:
        credited = {s.week for s in subscription.skips.all()} | {
            c.week for c in subscription.credited_weeks.all()
        }
        for week in subscription.season.weeks(since=subscription.first_week):
            if week not in delivered | given_back | credited:
                to_come.add(week)
    return len(delivered | to_come)


def refresh_returns(*, producer_id: int) -> None:
    """Recompute the farm's season debts (caller holds the farm's lock, or none is needed:
    each row's value depends only on its subscription's state)."""
    rows = list(
        SeasonPayout.objects.filter(producer_id=producer_id)
        .select_related("subscription__season")
        .prefetch_related("subscription__skips", "subscription__credited_weeks")
    )
    if not rows:
        return
    subscriptions = {row.subscription_id: row.subscription for row in rows}
    baskets: dict[int, list[tuple]] = {pk: [] for pk in subscriptions}
    product_of = {pk: s.season.product_id for pk, s in subscriptions.items()}
    lines = OrderLine.objects.filter(order__basket__subscription_id__in=list(subscriptions))
    for subscription_id, product_id, week, d_status, o_status, l_status in lines.values_list(
        "order__basket__subscription_id",
        "offer__product_id",
        "order__basket__week",
        "order__distribution__status",
        "order__status",
        "status",
    ):
        if product_id == product_of[subscription_id]:
            active = l_status == OrderLine.Status.ACTIVE
            baskets[subscription_id].append((week, d_status, o_status, active))
    for row in rows:
        subscription = row.subscription
        kept = kept_weeks(subscription, baskets[row.subscription_id])
        week_cents = farm_week_cents(subscription.price_cents)
        returned = min(row.farm_cents, times(week_cents, max(subscription.weeks_paid - kept, 0)))
        if returned != row.returned_cents:
            SeasonPayout.objects.filter(pk=row.pk).update(returned_cents=returned)
