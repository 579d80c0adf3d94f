"""How the credit ledger names the movements of basket subscriptions (``skip-<id>``,
``unskip-<skip id>-subscription-<id>-week-<date>``, ``subscription-<id>``,
``basket-week-<id>``), in the active language. Registered with
:mod:`payments.ledger` in ``SubscriptionsConfig.ready``; each describer reads its rows in one
query, whatever the number of movements."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common import dates
from payments.ledger import register_describer
from payments.models import CreditEntry
from subscriptions.models import CreditedWeek, Subscription, SubscriptionSkip

REFERENCE = re.compile(r"^[a-z-]+-(?P<id>\d+)$")
# A skip undone names its skip (deleted), subscription and week: it is described without them.
UNSKIP = re.compile(
    r"^unskip-(?P<skip>\d+)-subscription-(?P<subscription>\d+)-week-(?P<week>\d{4}-\d{2}-\d{2})$"
)
SEASON = "season__product__producer"


def ids_of(entries: list[CreditEntry]) -> dict[int, int]:
    """Movement id → the id its reference names."""
    found = {}
    for entry in entries:
        match = REFERENCE.match(entry.reference)
        if match:
            found[entry.pk] = int(match["id"])
    return found


def week_of(day) -> str:
    return dates.day_month(day)


def farm(subscription: Subscription) -> str:
    return subscription.season.product.producer.name


def undone(references) -> dict[str, tuple[int, int, date]]:
    """Of ``unskip-…`` references: each with its skip id, subscription id and week."""
    found = {}
    for reference in references:
        match = UNSKIP.match(reference)
        if match:
            found[reference] = (
                int(match["skip"]),
                int(match["subscription"]),
                date.fromisoformat(match["week"]),
            )
    return found


def describe_skips(entries: list[CreditEntry]) -> Mapping[int, str]:
    """A skip still there, or one undone since (its row gone: the taking back names it)."""
    ids = ids_of(entries)
    skips = SubscriptionSkip.objects.select_related(f"subscription__{SEASON}").in_bulk(
        set(ids.values())
    )
    weeks = {ref: (skip.week, skip.subscription) for ref, skip in skips.items()}
    missing = set(ids.values()) - set(skips)
    if missing:
        taken_back = undone(
            CreditEntry.objects.filter(
                household_id__in={entry.household_id for entry in entries},
                reference__startswith="unskip-",
            ).values_list("reference", flat=True)
        ).values()
        taken_back = [row for row in taken_back if row[0] in missing]
        subscriptions = Subscription.objects.select_related(SEASON).in_bulk(
            {subscription for _skip, subscription, _week in taken_back}
        )
        for skip, subscription, week in taken_back:
            if subscription in subscriptions:
                weeks[skip] = (week, subscriptions[subscription])
    return {
        pk: _("Week of %(week)s skipped — %(farm)s basket")
        % {"week": week_of(weeks[ref][0]), "farm": farm(weeks[ref][1])}
        for pk, ref in ids.items()
        if ref in weeks
    }


def describe_unskips(entries: list[CreditEntry]) -> Mapping[int, str]:
    by_pk = undone(entry.reference for entry in entries)
    subscriptions = Subscription.objects.select_related(SEASON).in_bulk(
        {subscription for _skip, subscription, _week in by_pk.values()}
    )
    labels = {}
    for entry in entries:
        if entry.reference not in by_pk:
            continue
        _skip, subscription, week = by_pk[entry.reference]
        if subscription in subscriptions:
            labels[entry.pk] = _(
                "Skip of the week of %(week)s undone — %(farm)s basket back, credit taken back"
            ) % {"week": week_of(week), "farm": farm(subscriptions[subscription])}
    return labels


def subscription_label(entry: CreditEntry, subscription: Subscription) -> str:
    values = {"farm": farm(subscription)}
    if entry.amount_cents < 0:
        return _("%(farm)s basket subscription paid with your credit") % values
    if subscription.paid_at is None:
        return _("%(farm)s basket subscription not paid in time: your credit given back") % values
    weeks = entry.amount_cents // subscription.price_cents if subscription.price_cents else 0
    if entry.reason == CreditEntry.Reason.CANCELLATION and weeks:
        return ngettext(
            "%(farm)s basket subscription cancelled — %(count)d week credited",
            "%(farm)s basket subscription cancelled — %(count)d weeks credited",
            weeks,
        ) % {**values, "count": weeks}
    return _("%(farm)s basket subscription: credit given back") % values


def describe_subscriptions(entries: list[CreditEntry]) -> Mapping[int, str]:
    ids = ids_of(entries)
    subscriptions = Subscription.objects.select_related(SEASON).in_bulk(set(ids.values()))
    by_pk = {entry.pk: entry for entry in entries}
    return {
        pk: subscription_label(by_pk[pk], subscriptions[ref])
        for pk, ref in ids.items()
        if ref in subscriptions
    }


def credited_week_label(credited: CreditedWeek) -> str:
    values = {"week": week_of(credited.week), "farm": farm(credited.subscription)}
    if credited.reason == CreditedWeek.Reason.DISTRIBUTION_CANCELLED:
        day = credited.distribution.starts_at if credited.distribution else None
        values["day"] = dates.day_month(day) if day else values["week"]
        return _("Distribution of %(day)s cancelled — %(farm)s basket credited") % values
    if credited.reason == CreditedWeek.Reason.SOLD_OUT:
        return _("Week of %(week)s: %(farm)s basket sold out — credited") % values
    if credited.reason == CreditedWeek.Reason.NO_DISTRIBUTION:
        return _("Week of %(week)s: no distribution at your pickup point — credited") % values
    return _("Week of %(week)s: no %(farm)s basket offered — credited") % values


def describe_credited_weeks(entries: list[CreditEntry]) -> Mapping[int, str]:
    ids = ids_of(entries)
    credited = CreditedWeek.objects.select_related(
        f"subscription__{SEASON}", "distribution"
    ).in_bulk(set(ids.values()))
    return {pk: credited_week_label(credited[ref]) for pk, ref in ids.items() if ref in credited}


def register() -> None:
    register_describer("skip-", describe_skips)
    register_describer("unskip-", describe_unskips)
    register_describer("subscription-", describe_subscriptions)
    register_describer("basket-week-", describe_credited_weeks)
