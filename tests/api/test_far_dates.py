"""Dates at the ends of the calendar are refused with a 400, never a crash computing from them
(an ordering window before year 1, a weekly series or a season past year 9999)."""

from datetime import date

import pytest

from pickup.models import Distribution
from subscriptions.models import BasketSeason
from tests.factories import (
    PickupPointFactory,
    ProducerFactory,
    ProductFactory,
    SupplierFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def host(api_client):
    user = UserFactory()
    point = PickupPointFactory()
    point.hosts.add(user)
    api_client.force_authenticate(user)
    return point


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-27", "9999-12-31"])
def test_a_distribution_far_in_the_past_or_future_is_refused(api_client, host, day):
    response = api_client.post(
        "/api/v1/host/distributions/",
        {
            "pickup_point": host.pk,
            "starts_at": f"{day}T10:00:00+01:00",
            "ends_at": f"{day}T12:00:00+01:00",
        },
        format="json",
    )
    assert response.status_code == 400, response.content[:200]
    assert response.json()["code"] == "invalid"
    assert not Distribution.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_weekly_series_at_the_ends_of_the_calendar_is_refused(api_client, host, day):
    response = api_client.post(
        "/api/v1/host/distributions/weekly/",
        {
            "pickup_point": host.pk,
            "weekday": 2,
            "starts": "17:00",
            "ends": "19:00",
            "weeks": 52,
            "first_date": day,
        },
        format="json",
    )
    assert response.status_code == 400, response.content[:200]
    assert response.json()["code"] == "invalid"
    assert not Distribution.objects.exists()


@pytest.fixture
def farm(api_client):
    member = UserFactory()
    producer = ProducerFactory()
    producer.members.add(member)
    point = PickupPointFactory()
    SupplierFactory(producer=producer, pickup_point=point, status="approved")
    api_client.force_authenticate(member)
    basket = ProductFactory(producer=producer, category="basket")
    return producer, basket, point


def _season(api_client, farm, **changes):
    producer, basket, point = farm
    body = {
        "product": basket.pk,
        "starts_on": "2027-01-04",
        "ends_on": "2027-06-28",
        "pickup_points": [point.pk],
        "price_cents": 1500,
        "max_subscribers": 10,
        **changes,
    }
    return api_client.post(f"/api/v1/orders/producers/{producer.pk}/seasons/", body, format="json")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_on": "9999-12-31"}, "ends_on"),  # then every week of it is computed
        ({"starts_on": "0001-01-01"}, "ends_on"),
        ({"ends_on": "2028-01-10"}, "ends_on"),  # 54 weeks
        ({"price_cents": 100_000_000}, "price_cents"),  # 26 weeks: beyond a subscription's total
    ],
)
def test_a_season_too_long_or_too_dear_for_a_subscription_is_refused(
    api_client, farm, changes, field
):
    response = _season(api_client, farm, **changes)
    assert response.status_code == 400, response.content[:200]
    assert field in response.json()["errors"]
    assert not BasketSeason.objects.exists()


def test_a_season_of_a_year_is_taken(api_client, farm):
    response = _season(api_client, farm, ends_on="2027-12-27")  # 52 weeks
    assert response.status_code == 201, response.json()


def test_a_season_ending_in_the_calendars_last_week_lists_its_weeks():
    season = BasketSeason(starts_on=date(9999, 12, 13), ends_on=date(9999, 12, 31))
    assert season.weeks() == [date(9999, 12, 13), date(9999, 12, 20), date(9999, 12, 27)]
    assert season.weeks(since=date(9999, 12, 29)) == [date(9999, 12, 27)]
