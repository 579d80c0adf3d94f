from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction

from gardens.models import Offer, Plot, Season, WaitlistEntry
from gardens.services.locks import plot_is_held, preferences_met_by
from gardens.tasks import send_offer_email_task


def offer_plot(*, plot: Plot, season: Season, now: datetime) -> Offer | None:
    """Offer a free plot to the first waiting gardener (by arrival) whose preferences it meets.

    Call with the plot's row locked. A gardener is offered a given plot at most once per season,
    so a declined or expired offer passes to the next in line. Nothing happens when the plot is
    held, inactive, or the season is over. The gardener is e-mailed after the commit.
    """
    if not plot.is_active or season.ends_on < now.date() or plot_is_held(plot, season):
        return None
    already_offered = Offer.objects.filter(plot=plot, season=season).values("entry_id")
    entry = (
        WaitlistEntry.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(season=season, status=WaitlistEntry.Status.WAITING)
        .filter(preferences_met_by(plot))
        .exclude(pk__in=already_offered)
        .order_by("created_at", "pk")
        .first()
    )
    if entry is None:
        return None
    try:
        with transaction.atomic():
            offer = Offer.objects.create(
                entry=entry,
                season=season,
                plot=plot,
                created_at=now,
                expires_at=now + timedelta(hours=settings.GARDEN_OFFER_HOURS),
            )
    except IntegrityError:  # the plot or the entry got an offer in a concurrent transaction
        return None
    entry.status = WaitlistEntry.Status.OFFERED
    entry.save(update_fields=["status"])

    transaction.on_commit(partial(send_offer_email_task.delay, offer.pk))
    return offer


def offer_free_plots(*, season: Season, now: datetime) -> list[Offer]:
    """Offer every free active plot of the season's garden to the waiting list (plots in pk
    order, each locked before it is offered)."""
    offers = []
    plots = Plot.objects.select_for_update(of=("self",)).filter(
        garden_id=season.garden_id, is_active=True
    )
    for plot in plots.order_by("pk"):
        offer = offer_plot(plot=plot, season=season, now=now)
        if offer is not None:
            offers.append(offer)
    return offers


def close_offer(offer: Offer, status: str, now: datetime) -> None:
    """Close an open offer; its gardener waits again unless they got a plot or left."""
    offer.status = status
    offer.answered_at = now
    offer.save(update_fields=["status", "answered_at"])
    WaitlistEntry.objects.filter(pk=offer.entry_id, status=WaitlistEntry.Status.OFFERED).update(
        status=WaitlistEntry.Status.WAITING
    )
