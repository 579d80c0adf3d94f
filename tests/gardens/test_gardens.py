"""Gardens and seasons: ``create_garden``, ``update_garden``, ``create_season``,
``update_season``."""

from datetime import timedelta

import pytest
from django.utils import timezone

from common.errors import Invalid
from common.geo import geocode
from gardens import services
from gardens.models import Garden
from tests.factories import GardenFactory, SeasonFactory, UserFactory

pytestmark = pytest.mark.django_db

ROUBAIX = "Parc Barbieux, 59100 Roubaix"


def test_a_new_garden_is_located_after_the_commit(django_capture_on_commit_callbacks):
    coordinator = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        garden = services.create_garden(
            name="Barbieux",
            slug="barbieux",
            address=ROUBAIX,
            is_active=False,
            coordinators=[coordinator],
        )
    assert (garden.is_active, garden.location_status) == (False, Garden.LocationStatus.PENDING)
    assert list(garden.coordinators.all()) == [coordinator]
    assert len(callbacks) == 1
    callbacks[0]()
    garden.refresh_from_db()
    assert (garden.latitude, garden.longitude) == geocode(ROUBAIX)[:2]


def test_a_new_address_is_located_again_other_changes_are_not(django_capture_on_commit_callbacks):
    garden, coordinator = GardenFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.update_garden(
            garden=garden, changes={"name": "Renommé", "coordinators": [coordinator]}
        )
    assert callbacks == []
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.update_garden(garden=garden, changes={"address": ROUBAIX})
    garden.refresh_from_db()
    assert (garden.name, garden.address, garden.latitude) == ("Renommé", ROUBAIX, None)
    assert garden.location_status == Garden.LocationStatus.PENDING
    assert list(garden.coordinators.all()) == [coordinator]
    assert len(callbacks) == 1


def test_a_garden_changes_only_in_its_own_fields():
    garden = GardenFactory()
    with pytest.raises(Invalid) as refused:
        services.update_garden(garden=garden, changes={"latitude": 1.0})
    assert list(refused.value.extra["errors"]) == ["latitude"]


def test_a_season_changes_under_the_rules_it_was_opened_with():
    season = SeasonFactory()
    ends_on = season.ends_on
    services.update_season(season=season, changes={"fee_cents": 3500, "name": "2027"})
    season.refresh_from_db()
    assert (season.fee_cents, season.name) == (3500, "2027")
    late = {"applications_close_on": ends_on + timedelta(days=1)}
    with pytest.raises(Invalid) as refused:
        services.update_season(season=season, changes=late)
    assert list(refused.value.extra["errors"]) == ["applications_close_on"]
    assert season.applications_close_on < ends_on  # the caller's season is left as it was
    with pytest.raises(Invalid) as refused:
        services.update_season(season=season, changes={"ends_on": season.starts_on - timedelta(1)})
    assert "ends_on" in refused.value.extra["errors"]
    with pytest.raises(Invalid):
        services.update_season(season=season, changes={"garden": GardenFactory()})
    season.refresh_from_db()
    assert season.ends_on == ends_on


def test_a_season_opens_with_ordered_dates():
    today = timezone.localdate()
    with pytest.raises(Invalid) as refused:
        services.create_season(
            garden=GardenFactory(),
            name="x",
            starts_on=today,
            ends_on=today + timedelta(days=30),
            applications_open_on=today,
            applications_close_on=today + timedelta(days=31),
            max_plots_per_gardener=0,
        )
    assert set(refused.value.extra["errors"]) == {
        "applications_close_on",
        "max_plots_per_gardener",
    }
