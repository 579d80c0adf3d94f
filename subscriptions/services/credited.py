"""Basket weeks that brought no basket become credit, with their reason.

A paid basket week ends in exactly one state: delivered (its basket order), skipped by the
household (``SubscriptionSkip``, credited) or credited with a reason (``CreditedWeek``): the
distribution was cancelled, or the farm's basket offer was missing or sold out when the sale
closed. Each credit is made once per (subscription, week): the subscription row is locked, the
week's state re-read under it, and the unique constraint on (subscription, week) is the last
line of defence; the ledger reference ``basket-week-<id>`` is unique too.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

from payments.models import CreditEntry
from payments.services.wallet import add_credit
from pickup.models import Distribution
from subscriptions.models import BasketOrder, CreditedWeek, Subscription
from subscriptions.services.baskets import basket_offer, due_subscriptions
from subscriptions.tasks import send_week_credited_task

logger = logging.getLogger(__name__)

# How far back the periodic pass looks for closed distributions (a few weeks is plenty: the
# receiver of ``sale_closed`` credits at once, the pass only catches what was missed).
MISSED_WEEKS_LOOKBACK_DAYS = 21
# Distributions still able to make a basket order for their week.
LIVE_STATUSES = (Distribution.Status.SCHEDULED, Distribution.Status.OPEN)


def lock_subscriptions(ids) -> list[Subscription]:
    """Lock subscription rows in pk order (every path locks a subscription before its orders)."""
    return list(
        Subscription.objects.select_for_update(of=("self",))
        .select_related("season__product__producer", "household")
        .filter(pk__in=list(ids))
        .order_by("pk")
    )


def week_settled(subscription: Subscription, week: date) -> bool:
    """Whether the week is already delivered, skipped or credited (read under the lock)."""
    return (
        subscription.basket_orders.filter(week=week).exists()
        or subscription.skips.filter(week=week).exists()
        or subscription.credited_weeks.filter(week=week).exists()
    )


def credit_week(
    *,
    subscription: Subscription,
    week: date,
    reason: str,
    amount_cents: int,
    distribution: Distribution | None = None,
    notify: bool = True,
) -> CreditedWeek | None:
    """Record the week as credited with ``reason`` and add ``amount_cents`` to the household's
    credit (reference ``basket-week-<id>``), once per (subscription, week): a week already
    credited returns its row. Runs in the caller's transaction, the subscription locked;
    the household is told after the commit (unless ``notify`` is false: the caller's own
    e-mail says it). None when there is nothing to credit."""
    existing = subscription.credited_weeks.filter(week=week).first()
    if existing is not None:
        return existing
    if amount_cents <= 0:
        return None
    try:
        with transaction.atomic():
            credited = CreditedWeek.objects.create(
                subscription=subscription,
                week=week,
                distribution=distribution,
                reason=reason,
                credited_cents=amount_cents,
            )
    except IntegrityError:  # credited meanwhile by a twin run
        return subscription.credited_weeks.filter(week=week).first()
    add_credit(
        household=subscription.household,
        amount_cents=amount_cents,
        reason=CreditEntry.Reason.REFUND,
        reference=f"basket-week-{credited.pk}",
    )
    if notify:
        transaction.on_commit(partial(send_week_credited_task.delay, credited.pk))
    return credited


def other_live_distribution(distribution: Distribution) -> bool:
    """Whether another distribution of the same point and week can still bring the basket."""
    return (
        Distribution.objects.filter(
            pickup_point_id=distribution.pickup_point_id,
            week=distribution.week,
            status__in=LIVE_STATUSES,
        )
        .exclude(pk=distribution.pk)
        .exists()
    )


def credit_cancelled_distribution(*, distribution: Distribution) -> list[CreditedWeek]:
    """A host cancels ``distribution``: each basket week it would have delivered becomes
    credit. A basket order already made gives back what the season prepaid for it
    (``Order.prepaid_cents``; the basket line itself is cancelled with the order by the
    caller); a subscription due that week without a basket order yet (the sale had not
    opened) gets its weekly price — unless another distribution of the point that week can
    still bring the basket. Runs in the caller's transaction, the distribution locked; locks
    the subscriptions in pk order, before the caller locks the orders."""
    week = distribution.week
    with_basket = BasketOrder.objects.filter(distribution=distribution)
    due = set()
    if not other_live_distribution(distribution):
        due = set(due_subscriptions(distribution).values_list("pk", flat=True))
    ids = set(with_basket.values_list("subscription_id", flat=True)) | due
    subscriptions = lock_subscriptions(ids)
    # Read under the locks: a skip committed meanwhile has taken its basket's prepayment.
    baskets = {b.subscription_id: b for b in with_basket.select_related("order")}
    credited = []
    for subscription in subscriptions:
        basket = baskets.get(subscription.pk)
        if subscription.skips.filter(week=week).exists():
            continue  # skipped: credited by the skip
        if basket is not None:
            amount = basket.order.prepaid_cents
        elif subscription.status != Subscription.Status.ACTIVE or week_settled(subscription, week):
            continue
        else:
            amount = subscription.price_cents
        row = credit_week(
            subscription=subscription,
            week=week,
            reason=CreditedWeek.Reason.DISTRIBUTION_CANCELLED,
            amount_cents=amount,
            distribution=distribution,
            # A household with a basket order hears of it in the distribution's e-mail.
            notify=basket is None,
        )
        if row is not None:
            credited.append(row)
    return credited


def missing_reason(subscription: Subscription, week: date) -> str:
    offer = basket_offer(subscription=subscription, week=week)
    if offer is None:
        return CreditedWeek.Reason.BASKET_MISSING
    return CreditedWeek.Reason.SOLD_OUT


@transaction.atomic
def credit_missed_week(*, subscription_id: int, distribution_id: int) -> CreditedWeek | None:
    """The sale of the distribution closed and the subscription's week brought no basket
    (the farm's basket offer was missing or sold out): the week's price becomes credit, with
    that reason, once. Nothing when the distribution is not closed (or done), another
    distribution of that week at the point is still live, the subscription is not active or
    not due that week, or the week is delivered, skipped or credited already. Locks the
    subscription row."""
    (subscription,) = lock_subscriptions([subscription_id]) or (None,)
    distribution = Distribution.objects.get(pk=distribution_id)
    week = distribution.week
    if (
        subscription is None
        or distribution.status not in (Distribution.Status.CLOSED, Distribution.Status.DONE)
        or distribution.pickup_point_id != subscription.pickup_point_id
        or subscription.status != Subscription.Status.ACTIVE
        or not subscription.first_week <= week <= subscription.season.ends_on
        or week_settled(subscription, week)
        or other_live_distribution(distribution)
    ):
        return None
    return credit_week(
        subscription=subscription,
        week=week,
        reason=missing_reason(subscription, week),
        amount_cents=subscription.price_cents,
        distribution=distribution,
    )


def due_without_basket(distribution: Distribution):
    """Active subscriptions at the point due that week, with no basket order, skip or
    credited week."""
    return due_subscriptions(distribution).exclude(credited_weeks__week=distribution.week)


def credit_missed_weeks(*, distribution_id: int) -> list[int]:
    """Every subscription whose week brought no basket at a closed distribution gets it as
    credit (see :func:`credit_missed_week`), each in its own transaction. State-driven and
    idempotent: run after each close (``orders.signals.sale_closed``) and periodically."""
    distribution = Distribution.objects.get(pk=distribution_id)
    if distribution.status not in (Distribution.Status.CLOSED, Distribution.Status.DONE):
        return []
    credited = []
    for pk in due_without_basket(distribution).values_list("pk", flat=True):
        row = credit_missed_week(subscription_id=pk, distribution_id=distribution.pk)
        if row is not None:
            credited.append(row.pk)
            logger.info("basket week credited: subscription %s week %s", pk, distribution.week)
    return credited


def credit_all_missed_weeks() -> list[int]:
    """Periodic task: :func:`credit_missed_weeks` for every distribution closed (or done) in
    the last :data:`MISSED_WEEKS_LOOKBACK_DAYS` days."""
    since = timezone.now() - timedelta(days=MISSED_WEEKS_LOOKBACK_DAYS)
    closed = Distribution.objects.filter(
        status__in=(Distribution.Status.CLOSED, Distribution.Status.DONE), cutoff_at__gte=since
    ).order_by("pk")
    credited = []
    for pk in closed.values_list("pk", flat=True):
        credited += credit_missed_weeks(distribution_id=pk)
    return credited
