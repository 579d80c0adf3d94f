"""The schema documents what the endpoints answer: the statuses that follow from each view's
set-up, the refusals of its rules, one error body; and answers agree with it."""

from datetime import timedelta

import jsonschema
import pytest
from django.utils import timezone

from gardens.services import join_waitlist
from tests.api.openapi import operations, resolve, response_schema
from tests.factories import SeasonFactory, UserFactory

PUBLIC = {
    ("get", "/api/v1/pickup-points/"),
    ("get", "/api/v1/distributions/{id}/catalogue/"),
    ("get", "/api/v1/gardens/"),
    ("get", "/api/v1/gardens/{garden_id}/"),
    ("post", "/api/v1/auth/token/"),
}


def _statuses(operation) -> set[str]:
    return set(operation["responses"])


def test_every_error_response_has_the_error_body(openapi):
    error = {"$ref": "#/components/schemas/Error"}
    bare = [
        (method, path, status)
        for path, method, operation in operations(openapi)
        for status, response in operation["responses"].items()
        if status >= "400"
        and resolve(openapi, response).get("content", {}).get("application/json", {}).get("schema")
        != error
    ]
    assert bare == []
    assert {"code", "message"} <= set(openapi["components"]["schemas"]["Error"]["required"])


def test_statuses_that_follow_from_the_set_up_are_documented(openapi):
    missing = []
    for path, method, operation in operations(openapi):
        expected = {"429"}  # every endpoint is throttled
        if (method, path) not in PUBLIC:
            expected |= {"401"}
        if method != "get":
            expected |= {"403"}  # a session without its CSRF token
        if "{" in path:
            expected |= {"404"}
        if "requestBody" in operation:
            expected |= {"400", "415"}
        if path == "/api/v1/auth/token/":
            expected -= {"401", "403"}  # no authentication there
        if expected - _statuses(operation):
            missing.append((method, path, sorted(expected - _statuses(operation))))
    assert missing == []


@pytest.mark.parametrize(
    ("method", "path", "status", "codes"),
    [
        (
            "post",
            "/api/v1/orders/",
            "409",
            ["out_of_stock", "ordering_closed", "pickup_point_full"],
        ),
        ("post", "/api/v1/orders/", "422", ["idempotency_key_reused"]),
        ("post", "/api/v1/orders/", "503", ["payment_unavailable"]),
        ("post", "/api/v1/gardens/{garden_id}/reservations/", "409", ["plot_taken"]),
        ("post", "/api/v1/gardens/{garden_id}/waitlist/", "409", ["already_waiting"]),
        ("post", "/api/v1/gardens/work-days/{work_day_id}/signup/", "409", ["work_day_full"]),
        ("get", "/api/v1/pickup-points/", "400", ["invalid", "address_not_found"]),
        ("get", "/api/v1/pickup-points/", "503", ["geocoder_unavailable"]),
        ("get", "/api/v1/gardens/", "503", ["geocoder_unavailable"]),
        ("post", "/api/v1/supply-requests/", "409", ["already_requested", "too_far"]),
        ("post", "/api/v1/orders/subscriptions/{id}/skip/", "409", ["skip_too_late"]),
        (
            "post",
            "/api/v1/distribution-day/distributions/{id}/cancel/",
            "409",
            ["distribution_not_cancellable"],
        ),
    ],
)
def test_refusals_name_their_codes(openapi, method, path, status, codes):
    response = resolve(openapi, openapi["paths"][path][method]["responses"][status])
    for code in codes:
        assert f"`{code}`" in response["description"]


def test_the_idempotency_key_header_says_its_length(openapi):
    parameters = openapi["paths"]["/api/v1/orders/"]["post"]["parameters"]
    header = next(p for p in parameters if p["name"] == "Idempotency-Key")
    assert header["required"] is True
    assert (header["schema"]["minLength"], header["schema"]["maxLength"]) == (1, 255)


@pytest.mark.django_db
def test_leaving_the_waiting_list_answers_what_the_schema_promises(openapi, api_client):
    season = SeasonFactory()
    gardener = UserFactory()
    entry = join_waitlist(gardener=gardener, season=season)
    api_client.force_authenticate(gardener)

    response = api_client.post(f"/api/v1/gardens/waitlist/{entry.pk}/leave/")

    assert response.status_code == 200
    body = response.json()
    schema = response_schema(openapi, "/api/v1/gardens/waitlist/{entry_id}/leave/", "post", 200)
    jsonschema.validate(body, schema)
    assert (body["id"], body["status"], body["position"]) == (entry.pk, "left", None)
    # leaving again answers the same
    again = api_client.post(f"/api/v1/gardens/waitlist/{entry.pk}/leave/")
    assert again.status_code == 200
    assert again.json() == body


@pytest.mark.django_db
def test_joining_the_waiting_list_answers_the_position_the_schema_promises(openapi, api_client):
    season = SeasonFactory(applications_close_on=timezone.localdate() + timedelta(days=5))
    join_waitlist(gardener=UserFactory(), season=season)
    api_client.force_authenticate(UserFactory())

    response = api_client.post(
        f"/api/v1/gardens/{season.garden_id}/waitlist/", {"season": season.pk}, format="json"
    )

    assert response.status_code == 201, response.json()
    schema = response_schema(openapi, "/api/v1/gardens/{garden_id}/waitlist/", "post", 201)
    jsonschema.validate(response.json(), schema)
    assert response.json()["position"] == 2
