"""Who may call what: anonymous, a gardener (owner), another gardener, the coordinator of the
garden (G) and the coordinator of another garden (H), for every gardens endpoint."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from gardens.models import Offer
from gardens.services import cancel_reservation, join_waitlist, reserve_plot, sign_up_for_work_day
from tests.factories import GardenFactory, PlotFactory, UserFactory, WorkDayFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "gardener", "other_gardener", "coordinator_g", "coordinator_h"]


@pytest.fixture
def world(season, plots):
    season.max_plots_per_gardener = 2
    season.save()
    garden = season.garden
    w = SimpleNamespace(season=season, garden=garden)
    w.free_plot = PlotFactory(garden=garden, code="C1")
    w.gardener, w.other_gardener = UserFactory(), UserFactory()
    w.coordinator_g, w.coordinator_h = UserFactory(), UserFactory()
    garden.coordinators.add(w.coordinator_g)
    GardenFactory().coordinators.add(w.coordinator_h)
    w.reservation = reserve_plot(gardener=w.gardener, plot=plots["A1"], season=season)
    reserve_plot(gardener=UserFactory(), plot=plots["A2"], season=season)
    leaving = reserve_plot(gardener=UserFactory(), plot=plots["B1"], season=season)
    w.entry = join_waitlist(gardener=w.gardener, season=season)
    cancel_reservation(reservation=leaving)  # B1 offered to the gardener
    w.offer = Offer.objects.get(status="open")
    w.offered_plot = plots["B1"]
    w.work_day = WorkDayFactory(season=season, capacity=10)
    w.signed_day = WorkDayFactory(season=season, capacity=10)
    sign_up_for_work_day(gardener=w.gardener, work_day=w.signed_day)
    return w


def api(name, *args):
    return reverse(f"api:{name}", args=args)


def _manage(name, **extra):
    return lambda w: api(name, w.garden.pk, *[getattr(w, a).pk for a in extra.get("ids", [])])


OK_G = {
    "anonymous": 401,
    "gardener": 404,
    "other_gardener": 404,
    "coordinator_g": 200,
    "coordinator_h": 404,
}
OWNER = {
    "anonymous": 401,
    "gardener": 200,
    "other_gardener": 404,
    "coordinator_g": 404,
    "coordinator_h": 404,
}
PUBLIC = dict.fromkeys(ROLES, 200)
SIGNED_IN = {**dict.fromkeys(ROLES, 200), "anonymous": 401}

CASES = [
    ("list", "get", lambda w: api("garden-list"), None, PUBLIC),
    ("detail", "get", lambda w: api("garden-detail", w.garden.pk), None, PUBLIC),
    ("me", "get", lambda w: api("garden-me"), None, SIGNED_IN),
    (
        "reserve",
        "post",
        lambda w: api("garden-reserve", w.garden.pk),
        lambda w: {"plot": w.free_plot.pk, "season": w.season.pk},
        {**dict.fromkeys(ROLES, 201), "anonymous": 401},
    ),
    (
        "cancel reservation",
        "post",
        lambda w: api("garden-reservation-cancel", w.reservation.pk),
        None,
        OWNER,
    ),
    (
        "join waitlist",
        "post",
        lambda w: api("garden-waitlist-join", w.garden.pk),
        lambda w: {"season": w.season.pk},
        {**dict.fromkeys(ROLES, 201), "anonymous": 401, "gardener": 409},
    ),
    ("leave waitlist", "post", lambda w: api("garden-waitlist-leave", w.entry.pk), None, OWNER),
    (
        "accept offer",
        "post",
        lambda w: api("garden-offer-accept", w.offer.pk),
        None,
        {**OWNER, "gardener": 201},
    ),
    ("decline offer", "post", lambda w: api("garden-offer-decline", w.offer.pk), None, OWNER),
    (
        "sign up for a work day",
        "post",
        lambda w: api("garden-work-day-signup", w.work_day.pk),
        None,
        {**dict.fromkeys(ROLES, 409), "anonymous": 401, "gardener": 201},
    ),
    (
        "withdraw from a work day",
        "delete",
        lambda w: api("garden-work-day-signup", w.signed_day.pk),
        None,
        {**OWNER, "gardener": 204},
    ),
    ("occupancy", "get", _manage("garden-occupancy"), None, OK_G),
    ("waiting list", "get", _manage("garden-manage-waitlist"), None, OK_G),
    ("offers", "get", _manage("garden-manage-offers"), None, OK_G),
    (
        "create season",
        "post",
        _manage("garden-manage-seasons"),
        lambda w: {
            "name": "Next",
            "starts_on": "2027-03-01",
            "ends_on": "2027-10-01",
            "applications_open_on": "2027-01-01",
            "applications_close_on": "2027-02-01",
        },
        {**OK_G, "coordinator_g": 201},
    ),
    (
        "approve",
        "post",
        _manage("garden-manage-reservation-approve", ids=["reservation"]),
        None,
        {**OK_G, "coordinator_g": 409},
    ),  # already reserved: reservation_not_active
    (
        "refuse",
        "post",
        _manage("garden-manage-reservation-refuse", ids=["reservation"]),
        None,
        {**OK_G, "coordinator_g": 409},
    ),
    (
        "release",
        "post",
        _manage("garden-manage-reservation-cancel", ids=["reservation"]),
        None,
        OK_G,
    ),
    (
        "fee",
        "post",
        _manage("garden-manage-fee", ids=["reservation"]),
        lambda w: {"fee_paid": True, "fee_method": "cash"},
        OK_G,
    ),
    ("work days", "get", _manage("garden-manage-work-days"), None, OK_G),
    (
        "schedule a work day",
        "post",
        _manage("garden-manage-work-days"),
        lambda w: {
            "season": w.season.pk,
            "title": "Taille",
            "starts_at": "2027-03-01T09:00:00+01:00",
            "hours": "2.5",
            "capacity": 5,
        },
        {**OK_G, "coordinator_g": 201},
    ),
    (
        "attendance",
        "post",
        _manage("garden-manage-attendance", ids=["signed_day"]),
        lambda w: {"gardener": w.gardener.pk, "attended": True},
        OK_G,
    ),
    ("export", "get", _manage("garden-export"), None, OK_G),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "path", "payload", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_permission_matrix(api_client, world, role, method, path, payload, expected):
    if role != "anonymous":
        api_client.force_authenticate(getattr(world, role))
    response = getattr(api_client, method)(
        path(world), payload(world) if payload else None, format="json"
    )
    assert response.status_code == expected[role], getattr(response, "data", response)
    if response.status_code == 401:
        assert response.json()["code"] == "not_authenticated"
    if response.status_code == 404:
        assert response.json()["code"] == "not_found"
