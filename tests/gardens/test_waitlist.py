from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gardens.errors import AlreadyWaiting, LimitReached, OfferClosed, PlotTaken
from gardens.models import Offer, Reservation, WaitlistEntry
from gardens.selectors import my_gardening, waitlist_for, waitlist_position
from gardens.services import (
    accept_offer,
    cancel_reservation,
    decline_offer,
    expire_offers,
    join_waitlist,
    leave_waitlist,
    reserve_plot,
)
from tests.factories import SeasonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_garden(season, plots):
    """Every plot reserved; returns the reservations by plot code."""
    return {
        code: reserve_plot(gardener=UserFactory(), plot=plot, season=season)
        for code, plot in plots.items()
    }


def _wait(season, name, **preferences):
    return join_waitlist(gardener=UserFactory(full_name=name), season=season, **preferences)


def _open_offer(season):
    return Offer.objects.select_related("entry__gardener").get(season=season, status="open")


def test_positions_are_first_come_first_served(season, full_garden):
    first, second, third = (_wait(season, n) for n in ("Ada", "Bo", "Cy"))
    assert [waitlist_position(e) for e in (first, second, third)] == [1, 2, 3]
    leave_waitlist(entry=first)
    assert waitlist_position(third) == 2
    assert [e.gardener.full_name for e in waitlist_for(season)] == ["Bo", "Cy"]


def test_joining_twice_or_with_a_plot_is_refused(season, full_garden, gardener):
    join_waitlist(gardener=gardener, season=season)
    with pytest.raises(AlreadyWaiting):
        join_waitlist(gardener=gardener, season=season)
    with pytest.raises(LimitReached):
        join_waitlist(gardener=full_garden["A1"].gardener, season=season)


def test_a_released_plot_is_offered_to_the_first_matching_entry_by_email(
    season, full_garden, django_capture_on_commit_callbacks
):
    _wait(season, "Wants a big plot", min_area_m2=25)  # A1 is 20 m²: skipped
    matching = _wait(season, "Wants water", needs_water_point=True)
    _wait(season, "Anyone")
    with django_capture_on_commit_callbacks(execute=True):
        cancel_reservation(reservation=full_garden["A1"])
    offer = _open_offer(season)
    assert offer.entry == matching
    assert offer.plot.code == "A1"
    assert offer.expires_at - offer.created_at == timedelta(hours=48)
    matching.refresh_from_db()
    assert matching.status == "offered"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [matching.gardener.email]
    assert "A1" in mail.outbox[0].body
    # The offered plot is held: nobody can reserve it directly.
    with pytest.raises(PlotTaken):
        reserve_plot(gardener=UserFactory(), plot=offer.plot, season=season)


def test_decline_passes_the_offer_to_the_next_in_line(season, full_garden):
    first, second = _wait(season, "First"), _wait(season, "Second")
    cancel_reservation(reservation=full_garden["A2"])
    offer = _open_offer(season)
    assert offer.entry == first
    decline_offer(offer=offer)
    offer.refresh_from_db()
    assert offer.status == "declined"
    nxt = _open_offer(season)
    assert (nxt.entry, nxt.plot) == (second, offer.plot)
    first.refresh_from_db()
    assert first.status == "waiting"  # keeps their place for other plots
    with pytest.raises(OfferClosed):
        decline_offer(offer=offer)


def test_a_plot_nobody_matches_stays_free(season, full_garden, gardener):
    _wait(season, "Wants a shed", needs_shed=True)
    cancel_reservation(reservation=full_garden["A2"])
    assert not Offer.objects.exists()
    reserve_plot(gardener=gardener, plot=full_garden["A2"].plot, season=season)


def test_accepting_gives_a_reservation_once(season, full_garden):
    entry = _wait(season, "Keen")
    cancel_reservation(reservation=full_garden["B1"])
    offer = _open_offer(season)
    reservation = accept_offer(offer=offer)
    assert (reservation.gardener, reservation.plot.code, reservation.status) == (
        entry.gardener,
        "B1",
        "reserved",
    )
    entry.refresh_from_db()
    offer.refresh_from_db()
    assert (entry.status, offer.status, offer.reservation) == ("satisfied", "accepted", reservation)
    with pytest.raises(OfferClosed) as caught:
        accept_offer(offer=offer)
    assert (caught.value.code, caught.value.status) == ("offer_closed", 409)
    assert Reservation.objects.filter(plot__code="B1", status="reserved").count() == 1


def test_expired_offers_pass_on_and_the_job_is_idempotent(season, full_garden):
    first, second, third = (_wait(season, n) for n in ("First", "Second", "Third"))
    cancel_reservation(reservation=full_garden["A1"])
    offer = _open_offer(season)
    assert offer.entry == first
    assert expire_offers() == 0  # not due yet

    with time_machine.travel(offer.expires_at + timedelta(minutes=1)):
        assert expire_offers() == 1
        state = list(Offer.objects.order_by("pk").values_list("entry_id", "status"))
        assert expire_offers() == 0
        assert list(Offer.objects.order_by("pk").values_list("entry_id", "status")) == state
    assert state == [(first.pk, "expired"), (second.pk, "open")]
    with pytest.raises(OfferClosed):
        accept_offer(offer=offer)

    nxt = _open_offer(season)
    with time_machine.travel(nxt.expires_at + timedelta(seconds=1)):
        with pytest.raises(OfferClosed):  # expired even before the job has run
            accept_offer(offer=nxt)
        expire_offers()
    assert _open_offer(season).entry == third


def test_the_periodic_task_runs_the_expiry(season, full_garden):
    from gardens.tasks import expire_offers_task

    _wait(season, "First")
    second = _wait(season, "Second")
    cancel_reservation(reservation=full_garden["A1"])
    with time_machine.travel(timezone.now() + timedelta(hours=49)):
        assert expire_offers_task.delay().get() == 1
    assert _open_offer(season).entry == second


def test_leaving_withdraws_the_offer_and_passes_it_on(season, full_garden):
    first, second = _wait(season, "First"), _wait(season, "Second")
    cancel_reservation(reservation=full_garden["A1"])
    leave_waitlist(entry=first)
    assert Offer.objects.get(entry=first).status == "withdrawn"
    assert _open_offer(season).entry == second


def test_after_applications_close_joining_gets_a_free_matching_plot_offered(season, plots):
    with time_machine.travel(season.applications_close_on + timedelta(days=3)):
        entry = join_waitlist(gardener=UserFactory(), season=season, min_area_m2=25)
        assert entry.status == WaitlistEntry.Status.OFFERED
        assert _open_offer(season).plot == plots["A2"]


def test_before_applications_open_joining_offers_nothing(season, plots):
    with time_machine.travel(season.applications_open_on - timedelta(days=3)):
        entry = join_waitlist(gardener=UserFactory(), season=season)
    assert entry.status == WaitlistEntry.Status.WAITING
    assert not Offer.objects.exists()


def _my_gardening_queries(waitlists: int) -> tuple[int, list[int]]:
    """Queries of a gardener's overview with places on ``waitlists`` lists (second in each)."""
    gardener = UserFactory()
    for _ in range(waitlists):
        season = SeasonFactory()
        join_waitlist(gardener=UserFactory(), season=season)
        join_waitlist(gardener=gardener, season=season)
    with CaptureQueriesContext(connection) as queries:
        gardening = my_gardening(gardener)
    return len(queries), [entry.position for entry in gardening.entries]


@pytest.mark.django_db
def test_a_gardeners_places_on_many_waiting_lists_cost_the_same_queries():
    (small, small_positions), (large, large_positions) = (
        _my_gardening_queries(1),
        _my_gardening_queries(8),
    )
    assert small == large
    assert small_positions == [2] and large_positions == [2] * 8
