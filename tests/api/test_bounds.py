"""Integer inputs are bounded by the columns they end up in: a value too large is a 400
``invalid``, never a database error, on SQLite as on PostgreSQL; and the schema says so."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from common.bounds import field_bounds, id_bounds
from gardens.api.serializers import SeasonOutput
from gardens.models import Season, WaitlistEntry, WorkDay
from payments.models import CreditEntry
from subscriptions.models import BasketSeason
from tests.api.openapi import operations, resolve
from tests.factories import (
    GardenFactory,
    PickupPointFactory,
    ProducerFactory,
    ProductFactory,
    SeasonFactory,
    SupplierFactory,
    UserFactory,
)

INT32_MAX = 2_147_483_647
INT64_MAX = 9_223_372_036_854_775_807


def test_bounds_come_from_the_field_class_not_the_connection():
    # SQLite's connection would say 64 bits for every one of these.
    assert field_bounds(WaitlistEntry, "min_area_m2") == (0, INT32_MAX)
    assert field_bounds(Season, "max_plots_per_gardener") == (0, 32_767)
    assert field_bounds(CreditEntry, "amount_cents") == (-INT32_MAX - 1, INT32_MAX)
    # a relation takes the bounds of the key it points to; ids start at 1
    assert field_bounds(WorkDay, "season") == (1, INT64_MAX)
    assert field_bounds(BasketSeason, "pickup_points") == (1, INT64_MAX)
    assert field_bounds(Season, "pk") == id_bounds() == (1, INT64_MAX)


def test_model_serializer_fields_take_the_same_bounds_on_every_database():
    field = SeasonOutput().fields["max_plots_per_gardener"]
    assert (field.min_value, field.max_value) == (0, 32_767)
    assert SeasonOutput().fields["fee_cents"].max_value == INT32_MAX, connection.vendor


@pytest.fixture
def coordinated_garden(db, api_client):
    coordinator = UserFactory()
    garden = GardenFactory()
    garden.coordinators.add(coordinator)
    api_client.force_authenticate(coordinator)
    return garden


def _season_body(**overrides):
    today = timezone.localdate()
    return {
        "name": "2027",
        "starts_on": str(today + timedelta(days=30)),
        "ends_on": str(today + timedelta(days=300)),
        "applications_open_on": str(today),
        "applications_close_on": str(today + timedelta(days=20)),
        **overrides,
    }


def _refused(response, field):
    assert response.status_code == 400, (response.status_code, response.content[:300])
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["errors"], body
    return body


@pytest.mark.parametrize(
    ("field", "value"),
    [("max_plots_per_gardener", 32_768), ("fee_cents", 2_147_483_648), ("fee_cents", -1)],
)
def test_a_season_value_beyond_its_column_is_invalid(api_client, coordinated_garden, field, value):
    response = api_client.post(
        f"/api/v1/gardens/{coordinated_garden.pk}/manage/seasons/",
        _season_body(**{field: value}),
        format="json",
    )
    _refused(response, field)
    assert not Season.objects.exists()


def test_the_largest_fee_a_season_can_hold_is_taken(api_client, coordinated_garden):
    response = api_client.post(
        f"/api/v1/gardens/{coordinated_garden.pk}/manage/seasons/",
        _season_body(fee_cents=INT32_MAX, max_plots_per_gardener=32_767),
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert Season.objects.get().fee_cents == INT32_MAX


def test_a_work_day_capacity_beyond_its_column_is_invalid(api_client, coordinated_garden):
    season = SeasonFactory(garden=coordinated_garden)
    response = api_client.post(
        f"/api/v1/gardens/{coordinated_garden.pk}/manage/work-days/",
        {
            "season": season.pk,
            "title": "Compost",
            "starts_at": (timezone.now() + timedelta(days=3)).isoformat(),
            "hours": "2.0",
            "capacity": 2_147_483_648,
        },
        format="json",
    )
    _refused(response, "capacity")
    assert not WorkDay.objects.exists()


def test_a_waiting_list_area_beyond_its_column_is_invalid(db, api_client):
    season = SeasonFactory()
    api_client.force_authenticate(UserFactory())
    response = api_client.post(
        f"/api/v1/gardens/{season.garden_id}/waitlist/",
        {"season": season.pk, "min_area_m2": 2_147_483_648},
        format="json",
    )
    _refused(response, "min_area_m2")
    assert not WaitlistEntry.objects.exists()


def test_a_season_id_beyond_any_key_is_invalid_not_a_crash(db, api_client):
    season = SeasonFactory()
    api_client.force_authenticate(UserFactory())
    response = api_client.post(
        f"/api/v1/gardens/{season.garden_id}/waitlist/",
        {"season": 99_999_999_999_999_999_999},
        format="json",
    )
    _refused(response, "season")
    query = api_client.get(
        f"/api/v1/gardens/{season.garden_id}/", {"season": 99_999_999_999_999_999_999}
    )
    _refused(query, "season")


def test_a_basket_price_beyond_its_column_is_invalid(db, api_client):
    member = UserFactory()
    producer = ProducerFactory()
    producer.members.add(member)
    product = ProductFactory(producer=producer)
    point = PickupPointFactory()
    SupplierFactory(producer=producer, pickup_point=point, status="approved")
    api_client.force_authenticate(member)
    today = timezone.localdate()
    response = api_client.post(
        f"/api/v1/orders/producers/{producer.pk}/seasons/",
        {
            "product": product.pk,
            "starts_on": str(today + timedelta(days=7)),
            "ends_on": str(today + timedelta(days=90)),
            "pickup_points": [point.pk, 99_999_999_999_999_999_999],
            "price_cents": 2_147_483_648,
            "max_subscribers": 10,
        },
        format="json",
    )
    body = _refused(response, "price_cents")
    assert "pickup_points" in body["errors"]
    assert not BasketSeason.objects.exists()


def _integers(schema: dict, node: dict, where: str):
    """Every integer in a request body schema, with where it is."""
    node = resolve(schema, node)
    if node.get("type") == "integer" and "enum" not in node:  # choices bound themselves
        yield where, node
    for name, sub in node.get("properties", {}).items():
        if not resolve(schema, sub).get("readOnly"):
            yield from _integers(schema, sub, f"{where}.{name}")
    if "items" in node:
        yield from _integers(schema, node["items"], f"{where}[]")
    for key in ("allOf", "oneOf", "anyOf"):
        for sub in node.get(key, []):
            yield from _integers(schema, sub, where)


def test_every_integer_input_in_the_schema_has_bounds_that_fit_a_column(openapi):
    """Bodies, query and path parameters: each integer has a minimum and a maximum within
    64 bits (the page number aside: it is no column)."""
    unbounded = []
    for path, method, operation in operations(openapi):
        found = []
        for parameter in operation.get("parameters", []):
            if parameter["name"] != "page":
                found += _integers(openapi, parameter["schema"], f"{parameter['name']}")
        for media in operation.get("requestBody", {}).get("content", {}).values():
            found += _integers(openapi, media["schema"], "body")
        for where, node in dict(found).items():
            low, high = node.get("minimum"), node.get("maximum")
            if low is None or high is None or low < -INT64_MAX - 1 or high > INT64_MAX:
                unbounded.append(f"{method.upper()} {path} {where}: {low}..{high}")
    assert unbounded == []
