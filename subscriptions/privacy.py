"""The household's AMAP subscriptions in its personal data (:mod:`accounts.personal_data`).

Export: subscriptions, skipped weeks and pauses, basket waiting lists.

Erasure: a subscription still running (weeks paid and not delivered yet) or awaiting its
payment must be ended first by the household (``subscription_active``: cancelling it turns the
weeks left into credit, which then goes back to the card). A basket place offered is declined
(it passes on to the next household) and the waiting lists are left. The subscriptions stay
for the books, on the anonymised account.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.personal_data import Blocker, PersonalData, Section
from subscriptions.models import (
    Subscription,
    SubscriptionPause,
    SubscriptionSkip,
    SubscriptionWaitlistEntry,
)
from subscriptions.services.skips import weeks_to_credit
from subscriptions.services.waitlist import decline_offer

Waiting = SubscriptionWaitlistEntry.Status


def _running(user: User) -> list[Subscription]:
    live = Subscription.objects.filter(
        household=user, status__in=(Subscription.Status.PENDING, Subscription.Status.ACTIVE)
    ).select_related("season__product")
    return [s for s in live if s.status == Subscription.Status.PENDING or weeks_to_credit(s)]


def blockers(user: User) -> list[Blocker]:
    running = _running(user)
    if not running:
        return []
    names = ", ".join(str(s.season.product) for s in running)
    return [
        Blocker(
            "subscription_active",
            _(
                "Your basket subscription is still running (%(names)s): end it first from "
                "your subscriptions page; the weeks left become credit refunded to your card."
            )
            % {"names": names},
            {"subscriptions": [s.pk for s in running]},
        )
    ]


def leave_waiting_lists(user: User) -> None:
    for entry in SubscriptionWaitlistEntry.objects.filter(household=user, status=Waiting.OFFERED):
        decline_offer(entry=entry)


def erase(user: User) -> list[str]:
    SubscriptionWaitlistEntry.objects.filter(household=user, status=Waiting.WAITING).update(
        status=Waiting.WITHDRAWN
    )
    return []


SUBSCRIPTIONS_DATA = PersonalData(
    app="subscriptions",
    step=10,
    blockers=blockers,
    prepare=leave_waiting_lists,
    erase=erase,
    sections=[
        Section(
            name="subscriptions",
            description=gettext_lazy("your AMAP basket subscriptions: season, point, amounts"),
            rows=lambda user: (
                Subscription.objects.filter(household=user)
                .select_related("season__product", "pickup_point")
                .order_by("pk")
            ),
            row=lambda s: {
                "id": s.pk,
                "basket": str(s.season.product),
                "season_starts_on": s.season.starts_on,
                "season_ends_on": s.season.ends_on,
                "pickup_point": s.pickup_point.name,
                "status": s.status,
                "first_week": s.first_week,
                "price_cents": s.price_cents,
                "weeks_paid": s.weeks_paid,
                "total_cents": s.total_cents,
                "credit_used_cents": s.credit_used_cents,
                "card_cents": s.card_cents,
                "created_at": s.created_at,
                "paid_at": s.paid_at,
                "cancelled_at": s.cancelled_at,
            },
        ),
        Section(
            name="subscription_skips",
            description=gettext_lazy("the basket weeks you skipped"),
            rows=lambda user: SubscriptionSkip.objects.filter(
                subscription__household=user
            ).order_by("pk"),
            row=lambda skip: {
                "subscription": skip.subscription_id,
                "week": skip.week,
                "credited_cents": skip.credited_cents,
                "created_at": skip.created_at,
            },
        ),
        Section(
            name="subscription_pauses",
            description=gettext_lazy("the pauses of your subscriptions"),
            rows=lambda user: SubscriptionPause.objects.filter(
                subscription__household=user
            ).order_by("pk"),
            row=lambda pause: {
                "subscription": pause.subscription_id,
                "starts_on": pause.starts_on,
                "ends_on": pause.ends_on,
                "created_at": pause.created_at,
            },
        ),
        Section(
            name="subscription_waiting_lists",
            description=gettext_lazy("the basket waiting lists you joined"),
            rows=lambda user: (
                SubscriptionWaitlistEntry.objects.filter(household=user)
                .select_related("season__product", "pickup_point")
                .order_by("pk")
            ),
            row=lambda entry: {
                "basket": str(entry.season.product),
                "pickup_point": entry.pickup_point.name,
                "status": entry.status,
                "created_at": entry.created_at,
                "offered_at": entry.offered_at,
                "offer_expires_at": entry.offer_expires_at,
            },
        ),
    ],
)
