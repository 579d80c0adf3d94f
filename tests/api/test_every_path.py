"""Every path of the schema, every method, as a visitor and as someone who holds every role:
OPTIONS answers, ids too large for any key are a 404 (or a 400 in a body), never a 5xx."""

import pytest

from tests.api.openapi import METHODS, example_path
from tests.factories import GardenFactory, PickupPointFactory, ProducerFactory, UserFactory

pytestmark = pytest.mark.django_db

TOO_LARGE = "99999999999999999999"  # beyond 64 bits


@pytest.fixture
def everyone():
    """A household who also farms, hosts a pickup point and coordinates a garden."""
    user = UserFactory()
    ProducerFactory().members.add(user)
    PickupPointFactory().hosts.add(user)
    GardenFactory().coordinators.add(user)
    return user


@pytest.fixture(params=["visitor", "everyone"])
def client(request, api_client):
    if request.param == "everyone":
        api_client.force_authenticate(request.getfixturevalue("everyone"))
    return api_client


def _paths(openapi):
    return list(openapi["paths"])


def test_options_answers_on_every_path(openapi, client):
    failures = []
    for path in _paths(openapi):
        for value in ("1", TOO_LARGE):
            response = client.options(example_path(path, value))
            if response.status_code >= 500:
                failures.append((path, value, response.status_code))
    assert failures == []


def test_options_describes_an_endpoint_without_looking_its_object_up(api_client, everyone):
    api_client.force_authenticate(everyone)
    producer = everyone.producers.get()
    response = api_client.options(f"/api/v1/producers/{producer.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["name"]
    assert body["schema"] == "/api/schema/"
    assert {"GET", "PUT", "PATCH", "OPTIONS"} <= set(response["Allow"].split(", "))
    assert api_client.options(f"/api/v1/producers/{TOO_LARGE}/").status_code == 200


def test_ids_too_large_for_any_key_never_crash(openapi, client):
    failures = []
    for path, item in openapi["paths"].items():
        url = example_path(path, TOO_LARGE)
        for method in (m for m in METHODS if m in item):
            if method == "get":
                query = {"season": TOO_LARGE, "pickup_point": TOO_LARGE, "producer": TOO_LARGE}
                response = client.get(url, query)
            else:
                response = getattr(client, method)(
                    url, {}, format="json", HTTP_IDEMPOTENCY_KEY="too-large"
                )
            if response.status_code >= 500 or (
                "{" in path and response.status_code not in (400, 401, 403, 404)
            ):
                failures.append((method, url, response.status_code))
    assert failures == []


def test_an_api_path_that_matches_nothing_is_a_json_404(api_client):
    response = api_client.get("/api/v1/orders/not-a-number/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert response["Content-Type"] == "application/json"
