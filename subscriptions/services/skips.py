"""Skipping a week and pausing: each week skipped before its deadline and within the
season's limit becomes credit; its basket order, if made, is cancelled. A plain skip may be
undone before the same deadline, while the household still has the credit it gave."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.errors import Invalid
from payments.models import CreditEntry
from payments.services.wallet import add_credit, take_back_credit
from pickup.models import Distribution
from subscriptions.errors import (
    SkipCreditSpent,
    SkipInPause,
    SkipLimitReached,
    SkipTooLate,
    SubscriptionNotActive,
    UnskipTooLate,
)
from subscriptions.models import (
    Subscription,
    SubscriptionPause,
    SubscriptionSkip,
)
from subscriptions.services.baskets import cancel_basket, restore_basket
from subscriptions.services.seasons import monday


def skip_deadlines(subscription: Subscription, weeks: list[date]) -> dict[date, datetime]:
    """The latest moment to skip each of ``weeks``: ``skip_deadline_hours`` before the cutoff
    of that week's distribution at the subscription's point (or before that Monday, without
    one). One query for any number of weeks (pages list the whole season)."""
    hours = timedelta(hours=subscription.season.skip_deadline_hours)
    cutoffs: dict[date, datetime] = {}
    for week, cutoff in (
        Distribution.objects.filter(pickup_point_id=subscription.pickup_point_id, week__in=weeks)
        .exclude(status=Distribution.Status.CANCELLED)
        .order_by("-cutoff_at")
        .values_list("week", "cutoff_at")
    ):
        cutoffs[week] = cutoff  # the earliest wins (read last)
    return {
        week: cutoffs[week] - hours
        if week in cutoffs
        else timezone.make_aware(datetime.combine(week, time.min)) - hours
        for week in weeks
    }


def lock_subscription(subscription_id: int) -> Subscription:
    return (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("season", "household")
        .get(pk=subscription_id)
    )


def skip_weeks(subscription: Subscription, weeks: list[date], pause=None) -> list:
    """Refuse unless every week is a paid week, before its deadline, and within the limit;
    then record one skip per week, each credited at the subscription's weekly price."""
    season = subscription.season
    paid = set(season.weeks(since=subscription.first_week))
    now = timezone.now()
    already = set(subscription.skips.values_list("week", flat=True))
    weeks = sorted({monday(w) for w in weeks} - already)
    if any(week not in paid for week in weeks):
        raise Invalid(errors={"week": [_("This week is not part of your subscription.")]})
    # A week credited already (distribution cancelled, basket missing) has nothing to skip.
    credited = set(subscription.credited_weeks.values_list("week", flat=True))
    if pause is None and credited.intersection(weeks):
        raise Invalid(errors={"week": [_("This week is already credited to you.")]})
    weeks = [week for week in weeks if week not in credited]
    deadlines = skip_deadlines(subscription, weeks)  # of paid weeks only: dates that exist
    for week in weeks:
        if now > deadlines[week]:
            raise SkipTooLate(week=week.isoformat())
    if len(already) + len(weeks) > season.max_skips:
        raise SkipLimitReached(max_skips=season.max_skips, skipped=len(already))
    skips = []
    for week in weeks:
        skip = SubscriptionSkip.objects.create(
            subscription=subscription,
            week=week,
            pause=pause,
            credited_cents=subscription.price_cents,
        )
        add_credit(
            household=subscription.household,
            amount_cents=subscription.price_cents,
            reason=CreditEntry.Reason.SKIP,
            reference=f"skip-{skip.pk}",
        )
        cancel_basket(subscription=subscription, week=week)
        skips.append(skip)
    return skips


@transaction.atomic
def skip_week(*, subscription: Subscription, week: date) -> SubscriptionSkip:
    """Skip one week: before its deadline (``skip_deadline_hours`` before the cutoff) and
    within ``max_skips`` per season; the week's price becomes credit. Skipping a week already
    skipped returns that skip. Locks the subscription, then the household's row."""
    subscription = lock_subscription(subscription.pk)
    if subscription.status != Subscription.Status.ACTIVE:
        raise SubscriptionNotActive()
    existing = subscription.skips.filter(week=monday(week)).first()
    if existing is not None:
        return existing
    return skip_weeks(subscription, [week])[0]


def unskip_reference(skip: SubscriptionSkip) -> str:
    """The ledger reference of a skip undone. It names the subscription and the week as well
    as the skip: the skip row is deleted, and the books and the ledger still have to tell
    whose both movements are (``subscriptions.books``, ``subscriptions.ledger``)."""
    return f"unskip-{skip.pk}-subscription-{skip.subscription_id}-week-{skip.week.isoformat()}"


@transaction.atomic
def unskip_week(*, subscription: Subscription, week: date) -> bool:
    """Undo the skip of one week: the basket comes back and the credit the skip gave is taken
    back. Refused unless the subscription is active (``subscription_not_active``), the skip is
    a plain one, not a week of a pause (``skip_in_pause``: a pause stays whole), its deadline
    (the skip's) has not passed (``unskip_too_late``), the household still has that credit to
    spend (``skip_credit_spent``), and, when the week's sale is open, a basket is left
    (``basket_sold_out``) — all or nothing. A week not skipped is left as it is: False (the
    same call twice undoes once); True when a skip was undone. The basket order is made at
    once if the week's distribution takes orders, else by the periodic pass when it opens.
    Locks the subscription, then the household's row (as a skip)."""
    subscription = lock_subscription(subscription.pk)
    if subscription.status != Subscription.Status.ACTIVE:
        raise SubscriptionNotActive()
    week = monday(week)
    skip = subscription.skips.filter(week=week).first()
    if skip is None:
        return False
    if skip.pause_id is not None:
        raise SkipInPause()
    if timezone.now() > skip_deadlines(subscription, [week])[week]:
        raise UnskipTooLate(week=week.isoformat())
    if skip.credited_cents:
        taken = take_back_credit(
            household=subscription.household,
            amount_cents=skip.credited_cents,
            reason=CreditEntry.Reason.SKIP,
            reference=unskip_reference(skip),
        )
        if taken is None:
            raise SkipCreditSpent()
    skip.delete()
    restore_basket(subscription=subscription, week=week)  # may refuse: all rolled back
    return True


@transaction.atomic
def pause_subscription(
    *, subscription: Subscription, starts_on: date, ends_on: date
) -> SubscriptionPause:
    """Pause between two dates: every paid week in between is skipped (same deadline and
    limit as a skip, all or nothing) and credited."""
    if ends_on < starts_on:
        raise Invalid(errors={"ends_on": [_("The end comes before the start.")]})
    subscription = lock_subscription(subscription.pk)
    if subscription.status != Subscription.Status.ACTIVE:
        raise SubscriptionNotActive()
    paid = subscription.season.weeks(since=subscription.first_week)
    weeks = [w for w in paid if monday(starts_on) <= w <= ends_on]
    if not weeks:
        raise Invalid(errors={"starts_on": [_("No basket week falls in this pause.")]})
    pause = SubscriptionPause.objects.create(
        subscription=subscription, starts_on=starts_on, ends_on=ends_on
    )
    skip_weeks(subscription, weeks, pause=pause)
    return pause


def weeks_to_credit(subscription: Subscription) -> list[date]:
    """Paid weeks not delivered yet: no basket order made, not skipped, not credited already
    (distribution cancelled, basket missing), from this week on."""
    made = set(subscription.basket_orders.values_list("week", flat=True))
    skipped = set(subscription.skips.values_list("week", flat=True))
    credited = set(subscription.credited_weeks.values_list("week", flat=True))
    this_week = monday(timezone.localdate())
    return [
        week
        for week in subscription.season.weeks(since=subscription.first_week)
        if week >= this_week and week not in made | skipped | credited
    ]
