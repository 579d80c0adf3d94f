"""Many gardeners on one plot at the same instant: exactly one reservation, never two."""

import contextlib
import threading
from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from gardens.errors import LimitReached, OfferClosed, PlotTaken
from gardens.models import Offer, Reservation
from gardens.services import (
    accept_offer,
    cancel_reservation,
    expire_offers,
    join_waitlist,
    reservations,
    reserve_plot,
)
from tests.concurrency.race import run_together
from tests.factories import PlotFactory, SeasonFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

GARDENERS = 16


@pytest.mark.parametrize("defence", ["locks", "constraint only"])
def test_sixteen_gardeners_on_one_plot_through_the_api(defence, monkeypatch):
    if defence == "constraint only":  # no lock, no check: the unique constraint alone decides
        monkeypatch.setattr("gardens.services.reservations.lock_plot", lambda plot: None)
        monkeypatch.setattr("gardens.services.reservations.plot_is_held", lambda p, s: False)
    season = SeasonFactory()
    plot = PlotFactory(garden=season.garden)
    gardeners = [UserFactory() for _ in range(GARDENERS)]

    def attempt(gardener):
        def work():
            client = APIClient()
            client.force_authenticate(gardener)
            response = client.post(
                f"/api/v1/gardens/{season.garden_id}/reservations/",
                {"plot": plot.pk, "season": season.pk},
                format="json",
            )
            return response.status_code, response.json()[
                "code"
            ] if response.status_code != 201 else None

        return work

    results = run_together([attempt(g) for g in gardeners])
    assert sorted(results, key=str) == sorted(
        [(201, None)] + [(409, "plot_taken")] * (GARDENERS - 1), key=str
    ), results
    assert Reservation.objects.filter(plot=plot, season=season).count() == 1


def test_one_gardener_racing_for_eight_plots_gets_only_the_limit(monkeypatch):
    """Each attempt pauses between counting the gardener's plots and inserting, until all have
    counted (or a second has passed): without the lock on the gardener's row they would all
    see zero plots and all insert; with it, they queue and only the first gets a plot."""
    season = SeasonFactory(max_plots_per_gardener=1)
    plots = [PlotFactory(garden=season.garden) for _ in range(8)]
    gardener = UserFactory()
    counted = threading.Barrier(len(plots))
    real_plot_is_held = reservations.plot_is_held

    def plot_is_held_after_everyone_counted(plot, season):
        # Broken after a second when the others are queued on the lock, as they should be.
        with contextlib.suppress(threading.BrokenBarrierError):
            counted.wait(timeout=1)
        return real_plot_is_held(plot, season)

    monkeypatch.setattr(reservations, "plot_is_held", plot_is_held_after_everyone_counted)

    def attempt(plot):
        return lambda: reserve_plot(gardener=gardener, plot=plot, season=season)

    results = run_together([attempt(p) for p in plots])
    assert sum(isinstance(r, Reservation) for r in results) == 1, results
    assert sum(isinstance(r, LimitReached) for r in results) == len(plots) - 1
    assert not any(isinstance(r, PlotTaken) for r in results)
    assert Reservation.objects.filter(gardener=gardener, status="reserved").count() == 1


def _freed_plot_with_waiting_list(waiting: int):
    """A season whose only plot has just been released, with ``waiting`` gardeners in line."""
    season = SeasonFactory()
    plot = PlotFactory(garden=season.garden)
    reservation = reserve_plot(gardener=UserFactory(), plot=plot, season=season)
    entries = [join_waitlist(gardener=UserFactory(), season=season) for _ in range(waiting)]
    cancel_reservation(reservation=reservation)
    return season, plot, entries


def test_an_offer_accepted_twice_at_once_gives_one_reservation():
    _season, plot, _entries = _freed_plot_with_waiting_list(1)
    offer = Offer.objects.get(status="open")
    results = run_together([lambda: accept_offer(offer=offer) for _ in range(6)])
    assert sum(isinstance(r, Reservation) for r in results) == 1, results
    assert sum(isinstance(r, OfferClosed) for r in results) == 5
    assert Reservation.objects.filter(plot=plot, status="reserved").count() == 1


def test_expiry_jobs_running_at_once_pass_each_offer_on_once():
    _season, _plot, entries = _freed_plot_with_waiting_list(3)
    offer = Offer.objects.get(status="open")
    later = offer.expires_at + timedelta(minutes=1)
    results = run_together([lambda: expire_offers(now=later) for _ in range(4)])
    assert sum(results) == 1, results
    assert list(Offer.objects.order_by("pk").values_list("entry_id", "status")) == [
        (entries[0].pk, "expired"),
        (entries[1].pk, "open"),
    ]
