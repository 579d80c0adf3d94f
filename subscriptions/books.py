"""A season's books, for ``manage.py reconcile`` (:mod:`payments.books`): what each
subscription must keep, and which credit movements are its own.

An active subscription keeps the weekly price of each paid week still to come: not made into
a basket order (that week's money moved into the order), not skipped and not credited with a
reason (both credited). A skip undone leaves two movements of the same amount, its credit and
its taking back (``unskip-…``): both the subscription's, though the skip row is gone. A pending one
holds the credit it used while its card is awaited; a cancelled one keeps nothing (the weeks
left were credited). A paid week whose distribution is over with neither a basket nor a
credit is money lost: it is reported.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import timedelta

from django.utils import timezone

from orders.models import PAYMENT_KIND as ORDER_KIND
from payments.books import Holding, Ledger
from subscriptions.models import (
    PAYMENT_KIND,
    BasketOrder,
    CreditedWeek,
    Subscription,
    SubscriptionSkip,
)

SUBSCRIPTION_REFERENCE = re.compile(r"^subscription-(\d+)$")
SKIP_REFERENCE = re.compile(r"^skip-(\d+)$")
# A skip undone (``subscriptions.services.skips.unskip_reference``): its row is gone, the
# reference names the subscription the skip's credit and its taking back belong to.
UNSKIP_REFERENCE = re.compile(r"^unskip-(\d+)-subscription-(\d+)-week-[\d-]+$")
CREDITED_WEEK_REFERENCE = re.compile(r"^basket-week-(\d+)$")


def holdings():
    moved: dict[int, int] = defaultdict(int)
    made: dict[int, set] = defaultdict(set)
    for subscription_id, week, prepaid in BasketOrder.objects.values_list(
        "subscription_id", "week", "order__prepaid_cents"
    ):
        moved[subscription_id] += prepaid
        if prepaid:
            made[subscription_id].add(week)
    skipped: dict[int, set] = defaultdict(set)  # skipped, or credited with a reason
    for subscription_id, week in SubscriptionSkip.objects.values_list("subscription_id", "week"):
        skipped[subscription_id].add(week)
    for subscription_id, week in CreditedWeek.objects.values_list("subscription_id", "week"):
        skipped[subscription_id].add(week)
    # A week is over on its Sunday; the periodic pass credits it within minutes — a day of
    # grace before calling it lost.
    last_week_over = timezone.localdate() - timedelta(days=8)
    for subscription in Subscription.objects.select_related("season").iterator():
        pk = subscription.pk
        problems = ()
        if subscription.status == Subscription.Status.ACTIVE:
            weeks = subscription.season.weeks(since=subscription.first_week)
            open_weeks = [w for w in weeks if w not in made[pk] and w not in skipped[pk]]
            kept = subscription.price_cents * len(open_weeks)
            lost = [w for w in open_weeks if w <= last_week_over]
            if lost:
                problems = (
                    "weeks over with neither a basket nor a credit: "
                    + ", ".join(w.isoformat() for w in lost),
                )
        elif subscription.status == Subscription.Status.PENDING:
            kept = subscription.credit_used_cents
        else:
            kept = 0
        yield Holding(
            kind=PAYMENT_KIND,
            ref=pk,
            household_id=subscription.household_id,
            kept_cents=kept,
            moved_out_cents=moved[pk],
            label=(
                f"subscription {pk} ({subscription.status}, {subscription.weeks_paid} weeks "
                f"paid from {subscription.first_week.isoformat()}, baskets "
                f"{sorted(w.isoformat() for w in made[pk])}, skips "
                f"{sorted(w.isoformat() for w in skipped[pk])})"
            ),
            problems=problems,
        )


def credited_week_owners() -> dict[int, tuple[str, int]]:
    """A credited week belongs to the season — unless its basket order was made and still
    holds the week's prepayment (its distribution was cancelled): the credit gives that back."""
    orders = {
        (subscription_id, week): order_id
        for subscription_id, week, order_id in BasketOrder.objects.filter(
            order__prepaid_cents__gt=0
        ).values_list("subscription_id", "week", "order_id")
    }
    owners = {}
    for pk, subscription_id, week in CreditedWeek.objects.values_list(
        "pk", "subscription_id", "week"
    ):
        order_id = orders.get((subscription_id, week))
        owners[pk] = (ORDER_KIND, order_id) if order_id else (PAYMENT_KIND, subscription_id)
    return owners


def undone_skips(references: dict[int, str]) -> dict[int, int]:
    """Skip id → subscription id, for the skips undone (their rows deleted)."""
    undone = {}
    for reference in references.values():
        found = UNSKIP_REFERENCE.match(reference)
        if found:
            undone[int(found.group(1))] = int(found.group(2))
    return undone


def credit_owners(references: dict[int, str], payments: dict[int, tuple[str, int]]):
    skips = credited = None
    owners = {}
    for entry, reference in references.items():
        found = SUBSCRIPTION_REFERENCE.match(reference)
        if found:
            owners[entry] = (PAYMENT_KIND, int(found.group(1)))
            continue
        found = UNSKIP_REFERENCE.match(reference)
        if found:
            owners[entry] = (PAYMENT_KIND, int(found.group(2)))
            continue
        found = SKIP_REFERENCE.match(reference)
        if found:
            if skips is None:
                skips = {
                    **undone_skips(references),
                    **dict(SubscriptionSkip.objects.values_list("pk", "subscription_id")),
                }
            if int(found.group(1)) in skips:
                owners[entry] = (PAYMENT_KIND, skips[int(found.group(1))])
            continue
        found = CREDITED_WEEK_REFERENCE.match(reference)
        if found:
            if credited is None:
                credited = credited_week_owners()
            if int(found.group(1)) in credited:
                owners[entry] = credited[int(found.group(1))]
    return owners


SUBSCRIPTION_LEDGER = Ledger(kind=PAYMENT_KIND, holdings=holdings, credit_owners=credit_owners)
