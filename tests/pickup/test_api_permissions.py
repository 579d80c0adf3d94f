"""Who may touch what: a host of X or a member of A reaches only X's or A's things; anything
else is a 404 for every verb (lists are scoped, not only object lookups); anonymous is 401."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

ACTORS = ["producer_a", "producer_b", "host_x", "host_y", "household", "anonymous"]
OWNER = {
    ("host", "x"): "host_x",
    ("host", "y"): "host_y",
    ("producer", "x"): "producer_a",
    ("producer", "y"): "producer_b",
}


def _later(days: int) -> str:
    return (timezone.now() + timedelta(days=days)).replace(microsecond=0).isoformat()


# (role, method, url name, object kind, body(world, side), success status)
OBJECT_CASES = [
    ("host", "get", "host-point-detail", "point", None, 200),
    ("host", "patch", "host-point-detail", "point", lambda w, s: {"capacity": 70}, 200),
    ("host", "get", "host-distribution-detail", "distribution", None, 200),
    (
        "host",
        "patch",
        "host-distribution-detail",
        "distribution",
        lambda w, s: {"ends_at": (w.distribution[s].ends_at + timedelta(hours=1)).isoformat()},
        200,
    ),
    (
        "host",
        "post",
        "host-distribution-status",
        "distribution",
        lambda w, s: {"status": "open"},
        200,
    ),
    ("host", "post", "host-distribution-cancel", "distribution", None, 200),
    ("host", "get", "host-supply-request-detail", "supplier", None, 200),
    ("host", "post", "host-supply-request-approve", "supplier", None, 200),
    ("host", "post", "host-supply-request-refuse", "supplier", None, 200),
    ("producer", "get", "supply-request-detail", "supplier", None, 200),
]

CREATE_CASES = [
    (
        "host",
        "host-distribution-list",
        lambda w, s: {
            "pickup_point": w.point[s].pk,
            "starts_at": _later(20),
            "ends_at": _later(20.1),
        },
    ),
    (
        "host",
        "host-distribution-weekly",
        lambda w, s: {
            "pickup_point": w.point[s].pk,
            "weekday": 2,
            "starts": "18:00",
            "ends": "19:30",
            "weeks": 3,
            "first_date": (timezone.localdate() + timedelta(days=20)).isoformat(),
        },
    ),
    (
        "producer",
        "supply-request-list",
        # A asks to supply Y (B asks to supply X): only A's members may send it.
        lambda w, s: {"producer": w.producer[s].pk, "pickup_point": w.point[_other(s)].pk},
    ),
]

# (role, url name, what a list row's id refers to)
LIST_CASES = [
    ("host", "host-point-list", "point"),
    ("host", "host-distribution-list", "distribution"),
    ("host", "host-supply-request-list", "supplier"),
    ("producer", "supply-request-list", "supplier"),
]


def _other(side: str) -> str:
    return "y" if side == "x" else "x"


def _client(api_client, world, actor):
    if actor != "anonymous":
        api_client.force_authenticate(world.users[actor])
    return api_client


def _expected(actor: str, owner: str, success: int) -> int:
    if actor == owner:
        return success
    return 401 if actor == "anonymous" else 404


@pytest.mark.parametrize("side", ["x", "y"])
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(
    ("role", "method", "name", "kind", "body", "success"),
    OBJECT_CASES,
    ids=[f"{c[1]}-{c[2]}" for c in OBJECT_CASES],
)
def test_object_endpoints_answer_only_their_owner(
    api_client, world, actor, side, role, method, name, kind, body, success
):
    obj = getattr(world, kind)[side]
    client = _client(api_client, world, actor)
    data = body(world, side) if body else None
    response = getattr(client, method)(reverse(f"api:{name}", args=[obj.pk]), data, format="json")
    assert response.status_code == _expected(actor, OWNER[role, side], success), response.content
    if response.status_code == 404:
        assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("side", ["x", "y"])
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("role", "name", "body"), CREATE_CASES, ids=[c[1] for c in CREATE_CASES])
def test_creating_under_someone_else_is_not_found(api_client, world, actor, side, role, name, body):
    client = _client(api_client, world, actor)
    response = client.post(reverse(f"api:{name}"), body(world, side), format="json")
    assert response.status_code == _expected(actor, OWNER[role, side], 201), response.content


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("role", "name", "kind"), LIST_CASES, ids=[c[1] for c in LIST_CASES])
def test_lists_show_only_your_own(api_client, world, actor, role, name, kind):
    client = _client(api_client, world, actor)
    response = client.get(reverse(f"api:{name}"))
    if actor == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    own = {side for (r, side), owner in OWNER.items() if r == role and owner == actor}
    assert ids == {getattr(world, kind)[side].pk for side in own}


def test_filtering_a_list_on_someone_elses_point_gives_nothing(api_client, world):
    api_client.force_authenticate(world.users["host_x"])
    for name in ("host-distribution-list", "host-supply-request-list"):
        response = api_client.get(reverse(f"api:{name}"), {"pickup_point": world.point["y"].pk})
        assert response.status_code == 200
        assert response.json()["results"] == []


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("host-point-detail", "point"),
        ("host-distribution-detail", "distribution"),
        ("host-supply-request-detail", "supplier"),
        ("supply-request-detail", "supplier"),
    ],
)
def test_nothing_is_deleted_through_the_api(api_client, world, actor, name, kind):
    """Distributions are cancelled, farms refused: DELETE is not a verb here, for anyone."""
    client = _client(api_client, world, actor)
    response = client.delete(reverse(f"api:{name}", args=[getattr(world, kind)["x"].pk]))
    assert response.status_code == (401 if actor == "anonymous" else 405)


def test_owner_fields_cannot_be_set_from_the_request(api_client, world):
    """Hosts, slug and position come from the server, whatever the body says."""
    point = world.point["x"]
    api_client.force_authenticate(world.users["host_x"])
    response = api_client.patch(
        reverse("api:host-point-detail", args=[point.pk]),
        {"hosts": [world.users["host_y"].pk], "slug": "pirate", "latitude": 1, "capacity": 70},
        format="json",
    )
    assert response.status_code == 200
    point.refresh_from_db()
    assert point.capacity == 70
    assert point.slug != "pirate" and point.latitude != 1
    assert list(point.hosts.all()) == [world.users["host_x"]]


@pytest.mark.parametrize("actor", ACTORS)
def test_catalogue_is_public_when_open_and_for_hosts_otherwise(api_client, world, actor):
    client = _client(api_client, world, actor)
    scheduled = world.distribution["x"]
    expected_scheduled = 200 if actor == "host_x" else 404
    response = client.get(reverse("api:distribution-catalogue", args=[scheduled.pk]))
    assert response.status_code == expected_scheduled
    scheduled.status = "open"
    scheduled.save()
    response = client.get(reverse("api:distribution-catalogue", args=[scheduled.pk]))
    assert response.status_code == 200
