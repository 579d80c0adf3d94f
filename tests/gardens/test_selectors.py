"""The gardens' reads shared by the pages and the API."""

import pytest

from common.geo import AddressNotFound, Point
from gardens import selectors
from tests.factories import GardenFactory, PlotFactory, ReservationFactory, SeasonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def gardens():
    return {
        "lille": GardenFactory(name="Lille", latitude=50.63, longitude=3.06),
        "roubaix": GardenFactory(name="Roubaix", latitude=50.69, longitude=3.17),
        "paris": GardenFactory(name="Paris", latitude=48.85, longitude=2.35),
        "closed": GardenFactory(name="Closed", latitude=50.63, longitude=3.06, is_active=False),
    }


def test_a_search_near_a_position_lists_active_gardens_closest_first(gardens):
    found = selectors.search_gardens(near=Point(50.64, 3.07), radius_km=30)
    assert [g.name for g in found] == ["Lille", "Roubaix"]
    assert found[0].distance_km < found[1].distance_km < 30


def test_a_search_for_a_place_geocodes_it(gardens):
    found = selectors.search_gardens(q="59100 Roubaix", radius_km=30)
    assert [g.name for g in found] == ["Roubaix", "Lille"]


def test_the_position_wins_over_the_place(gardens):
    found = selectors.search_gardens(near=Point(48.86, 2.35), q="59100 Roubaix", radius_km=30)
    assert [g.name for g in found] == ["Paris"]


def test_without_position_or_place_every_active_garden_is_listed_by_name(gardens):
    for place in (None, "", "   "):
        found = selectors.search_gardens(q=place, radius_km=30)
        assert [g.name for g in found] == ["Lille", "Paris", "Roubaix"]


def test_an_unknown_place_is_refused(gardens):
    with pytest.raises(AddressNotFound):
        selectors.search_gardens(q="xyzzy plugh", radius_km=30)


def test_season_fees_sum_the_active_reservations_of_the_plan_in_one_query(
    django_assert_num_queries,
):
    season = SeasonFactory()
    garden = season.garden

    def reservation(fee_cents, **fields):
        plot = PlotFactory(garden=garden, is_active=fields.pop("plot_active", True))
        return ReservationFactory(season=season, plot=plot, fee_cents=fee_cents, **fields)

    reservation(2000, fee_paid=True)
    reservation(1500, fee_paid=True, status="pending")
    reservation(3000)
    reservation(700, status="pending")
    reservation(10_000, fee_paid=True, status="cancelled")  # not held any more
    reservation(20_000, status="refused")
    reservation(40_000, plot_active=False)  # off the plan
    ReservationFactory(season=SeasonFactory(garden=garden), fee_cents=80_000)  # another season

    with django_assert_num_queries(1):
        fees = selectors.season_fees(season)
    assert fees == selectors.SeasonFees(paid_cents=3500, due_cents=3700)


def test_a_season_without_reservations_owes_nothing():
    assert selectors.season_fees(SeasonFactory()) == selectors.SeasonFees(0, 0)
