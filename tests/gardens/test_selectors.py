"""The gardens' reads shared by the pages and the API."""

import pytest

from common.geo import AddressNotFound, Point
from gardens import selectors
from tests.factories import GardenFactory

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
