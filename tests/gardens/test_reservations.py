from datetime import timedelta

import pytest
from django.db import IntegrityError

from common.errors import Invalid
from gardens.errors import ApplicationsClosed, LimitReached, PlotTaken, ReservationNotActive
from gardens.models import Reservation, Season
from gardens.services import (
    approve_reservation,
    cancel_reservation,
    record_fee,
    refuse_reservation,
    reserve_plot,
)
from tests.factories import PlotFactory, ReservationFactory, SeasonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_gardener_reserves_a_free_plot_and_the_fee_is_recorded(season, plots, gardener):
    reservation = reserve_plot(gardener=gardener, plot=plots["A1"], season=season)
    assert reservation.status == "reserved"
    assert reservation.fee_cents == 2000
    assert reservation.fee_paid is False


def test_a_fee_per_square_metre_is_multiplied_by_the_area(season, plots, gardener):
    season.fee_basis = Season.FeeBasis.PER_M2
    season.fee_cents = 150
    season.save()
    reservation = reserve_plot(gardener=gardener, plot=plots["A2"], season=season)
    assert reservation.fee_cents == 4500


def test_a_reserved_plot_cannot_be_reserved_again(season, plots, gardener, other_gardener):
    reserve_plot(gardener=gardener, plot=plots["A1"], season=season)
    with pytest.raises(PlotTaken) as caught:
        reserve_plot(gardener=other_gardener, plot=plots["A1"], season=season)
    assert (caught.value.code, caught.value.status) == ("plot_taken", 409)


def test_the_database_refuses_two_active_reservations_of_one_plot(season, plots):
    ReservationFactory(season=season, plot=plots["A1"])
    ReservationFactory(season=season, plot=plots["A1"], status="cancelled")  # history is fine
    with pytest.raises(IntegrityError):
        ReservationFactory(season=season, plot=plots["A1"], status="pending")


def test_the_limit_per_gardener_holds(season, plots, gardener):
    reserve_plot(gardener=gardener, plot=plots["A1"], season=season)
    with pytest.raises(LimitReached) as caught:
        reserve_plot(gardener=gardener, plot=plots["A2"], season=season)
    assert caught.value.status == 409
    season.max_plots_per_gardener = 2
    season.save()
    reserve_plot(gardener=gardener, plot=plots["A2"], season=season)
    assert Reservation.objects.filter(gardener=gardener).count() == 2


def test_a_plot_held_in_one_season_is_free_in_another(season, plots, gardener, other_gardener):
    reserve_plot(gardener=gardener, plot=plots["A1"], season=season)
    next_season = SeasonFactory(garden=season.garden)
    reserve_plot(gardener=other_gardener, plot=plots["A1"], season=next_season)


@pytest.mark.parametrize("when", ["before", "after"])
def test_outside_the_application_window_applications_are_closed(season, plots, gardener, when):
    if when == "before":
        today = season.applications_open_on - timedelta(days=1)
    else:
        today = season.applications_close_on + timedelta(days=1)
    with pytest.raises(ApplicationsClosed) as caught:
        reserve_plot(gardener=gardener, plot=plots["A1"], season=season, today=today)
    assert (caught.value.code, caught.value.status) == ("applications_closed", 409)


def test_the_window_bounds_are_inclusive(season, plots, gardener, other_gardener):
    reserve_plot(
        gardener=gardener, plot=plots["A1"], season=season, today=season.applications_open_on
    )
    reserve_plot(
        gardener=other_gardener,
        plot=plots["A2"],
        season=season,
        today=season.applications_close_on,
    )


def test_a_plot_of_another_garden_or_inactive_is_invalid(season, plots, gardener):
    elsewhere = PlotFactory()
    with pytest.raises(Invalid) as caught:
        reserve_plot(gardener=gardener, plot=elsewhere, season=season)
    assert caught.value.code == "invalid"
    plots["B1"].is_active = False
    plots["B1"].save()
    with pytest.raises(Invalid) as caught:
        reserve_plot(gardener=gardener, plot=plots["B1"], season=season)
    assert caught.value.code == "invalid"


def test_with_approval_the_reservation_waits_for_a_coordinator(season, plots, gardener):
    season.approval_required = True
    season.save()
    reservation = reserve_plot(gardener=gardener, plot=plots["A1"], season=season)
    assert reservation.status == "pending"
    with pytest.raises(PlotTaken):  # pending already holds the plot
        reserve_plot(gardener=UserFactory(), plot=plots["A1"], season=season)
    assert approve_reservation(reservation=reservation).status == "reserved"
    with pytest.raises(ReservationNotActive):
        approve_reservation(reservation=reservation)


def test_a_refused_reservation_frees_the_plot(season, plots, gardener, other_gardener):
    season.approval_required = True
    season.save()
    reservation = reserve_plot(gardener=gardener, plot=plots["A1"], season=season)
    assert refuse_reservation(reservation=reservation).status == "refused"
    reserve_plot(gardener=other_gardener, plot=plots["A1"], season=season)


def test_cancelling_frees_the_plot_and_only_once(season, plots, gardener, other_gardener):
    reservation = reserve_plot(gardener=gardener, plot=plots["A1"], season=season)
    cancel_reservation(reservation=reservation)
    with pytest.raises(ReservationNotActive):
        cancel_reservation(reservation=reservation)
    reserve_plot(gardener=other_gardener, plot=plots["A1"], season=season)
    reserve_plot(gardener=gardener, plot=plots["A2"], season=season)  # limit counts active only


def test_coordinators_record_fees(season, plots, gardener):
    reservation = reserve_plot(gardener=gardener, plot=plots["A1"], season=season)
    paid = record_fee(reservation=reservation, paid=True, method="cheque")
    assert (paid.fee_paid, paid.fee_method) == (True, "cheque")
    assert paid.fee_paid_on is not None
    with pytest.raises(Invalid) as caught:
        record_fee(reservation=reservation, paid=True, method="")
    assert caught.value.code == "invalid"
    unpaid = record_fee(reservation=reservation, paid=False)
    assert (unpaid.fee_paid, unpaid.fee_method, unpaid.fee_paid_on) == (False, "", None)
