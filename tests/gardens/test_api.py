from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from gardens.models import Offer, Reservation
from gardens.services import cancel_reservation, join_waitlist, reserve_plot
from tests.factories import GardenFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"api:{name}", args=args)


def test_gardens_near_a_point_closest_first(api_client):
    lille = GardenFactory(name="Lille", latitude=50.63, longitude=3.06)
    roubaix = GardenFactory(name="Roubaix", latitude=50.69, longitude=3.17)
    GardenFactory(name="Paris", latitude=48.85, longitude=2.35)
    GardenFactory(name="Closed", latitude=50.63, longitude=3.06, is_active=False)
    body = api_client.get(url("garden-list"), {"near": "50.64,3.07"}).json()
    assert [g["name"] for g in body] == ["Lille", "Roubaix"]
    assert body[0]["distance_km"] < body[1]["distance_km"]
    body = api_client.get(url("garden-list"), {"q": "59100 Roubaix"}).json()
    assert [g["id"] for g in body] == [roubaix.pk, lille.pk]


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"near": "north"}, 400, "invalid"),
        ({"near": "95,3"}, 400, "invalid"),
        ({"q": "xyzzy plugh"}, 400, "address_not_found"),
    ],
)
def test_bad_searches_say_why(api_client, params, status, code):
    response = api_client.get(url("garden-list"), params)
    assert (response.status_code, response.json()["code"]) == (status, code)


def test_garden_detail_shows_each_plot_state_for_the_viewer(
    api_client, season, plots, gardener, other_gardener
):
    reserve_plot(gardener=gardener, plot=plots["A1"], season=season)
    reserve_plot(gardener=other_gardener, plot=plots["A2"], season=season)
    states = lambda body: {p["plot"]["code"]: p["state"] for p in body["plots"]}  # noqa: E731
    anonymous = api_client.get(url("garden-detail", season.garden_id)).json()
    assert anonymous["season"]["id"] == season.pk
    assert states(anonymous) == {"A1": "reserved", "A2": "reserved", "B1": "free"}
    api_client.force_authenticate(gardener)
    mine = api_client.get(url("garden-detail", season.garden_id), {"season": season.pk}).json()
    assert states(mine) == {"A1": "yours", "A2": "reserved", "B1": "free"}
    other = api_client.get(url("garden-detail", GardenFactory().pk), {"season": season.pk})
    assert other.status_code == 404


def test_reserve_answers_201_then_409_with_codes(api_client, season, plots, gardener):
    api_client.force_authenticate(gardener)
    path = url("garden-reserve", season.garden_id)
    created = api_client.post(path, {"plot": plots["A1"].pk, "season": season.pk}, format="json")
    assert created.status_code == 201
    assert created.json()["status"] == "reserved"
    assert created.json()["plot_code"] == "A1"
    limit = api_client.post(path, {"plot": plots["A2"].pk, "season": season.pk}, format="json")
    assert (limit.status_code, limit.json()["code"]) == (409, "limit_reached")
    api_client.force_authenticate(UserFactory())
    taken = api_client.post(path, {"plot": plots["A1"].pk, "season": season.pk}, format="json")
    assert (taken.status_code, taken.json()["code"]) == (409, "plot_taken")
    with time_machine.travel(season.applications_close_on + timedelta(days=2)):
        closed = api_client.post(path, {"plot": plots["B1"].pk, "season": season.pk}, format="json")
    assert (closed.status_code, closed.json()["code"]) == (409, "applications_closed")


@pytest.mark.parametrize("payload", [{}, {"plot": "x", "season": 1}, {"plot": 0, "season": 0}])
def test_reserve_with_bad_input_is_invalid(api_client, season, gardener, payload):
    api_client.force_authenticate(gardener)
    response = api_client.post(url("garden-reserve", season.garden_id), payload, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "invalid")


def test_waitlist_offer_and_accept_through_the_api(api_client, season, plots, gardener):
    holders = [UserFactory() for _ in plots]
    reservations = [
        reserve_plot(gardener=h, plot=p, season=season)
        for h, p in zip(holders, plots.values(), strict=True)
    ]
    api_client.force_authenticate(gardener)
    joined = api_client.post(
        url("garden-waitlist-join", season.garden_id),
        {"season": season.pk, "needs_accessible": True},
        format="json",
    )
    assert joined.status_code == 201
    assert joined.json()["position"] == 1
    cancel_reservation(reservation=next(r for r in reservations if r.plot.code == "B1"))
    me = api_client.get(url("garden-me")).json()
    assert [o["plot_code"] for o in me["offers"]] == ["B1"]
    assert me["waitlist"][0]["status"] == "offered"
    offer_id = me["offers"][0]["id"]
    accepted = api_client.post(url("garden-offer-accept", offer_id))
    assert accepted.status_code == 201
    again = api_client.post(url("garden-offer-accept", offer_id))
    assert (again.status_code, again.json()["code"]) == (409, "offer_closed")
    me = api_client.get(url("garden-me")).json()
    assert [r["plot_code"] for r in me["reservations"]] == ["B1"]
    assert me["waitlist"] == []


def test_coordinator_endpoints(api_client, season, plots, gardener):
    coordinator = UserFactory()
    season.garden.coordinators.add(coordinator)
    reservation = reserve_plot(gardener=gardener, plot=plots["A1"], season=season)
    join_waitlist(gardener=UserFactory(), season=season)
    api_client.force_authenticate(coordinator)
    gid = season.garden_id
    rows = api_client.get(url("garden-occupancy", gid)).json()
    assert [(r["plot"]["code"], r["state"]) for r in rows] == [
        ("A1", "reserved"),
        ("A2", "free"),
        ("B1", "free"),
    ]
    assert rows[0]["reservation"]["gardener"]["id"] == gardener.pk
    fee = api_client.post(
        url("garden-manage-fee", gid, reservation.pk),
        {"fee_paid": True, "fee_method": "cash", "fee_paid_on": "2026-11-20"},
        format="json",
    )
    assert fee.status_code == 200
    assert fee.json()["fee_paid_on"] == "2026-11-20"
    assert len(api_client.get(url("garden-manage-waitlist", gid)).json()) == 1
    released = api_client.post(url("garden-manage-reservation-cancel", gid, reservation.pk))
    assert released.json()["status"] == "cancelled"
    offers = api_client.get(url("garden-manage-offers", gid)).json()
    assert [o["plot_code"] for o in offers] == ["A1"]
    assert Offer.objects.get().status == "open"
    csv = api_client.get(url("garden-export", gid))
    assert csv["Content-Type"].startswith("text/csv")
    assert b"A1" in csv.content


def test_coordinators_open_seasons_with_ordered_dates(api_client, season):
    coordinator = UserFactory()
    season.garden.coordinators.add(coordinator)
    api_client.force_authenticate(coordinator)
    payload = {
        "name": "2027",
        "starts_on": "2027-03-01",
        "ends_on": "2027-10-31",
        "applications_open_on": "2027-01-15",
        "applications_close_on": "2027-02-15",
        "fee_cents": 150,
        "fee_basis": "per_m2",
    }
    created = api_client.post(
        url("garden-manage-seasons", season.garden_id), payload, format="json"
    )
    assert created.status_code == 201
    assert created.json()["max_plots_per_gardener"] == 1
    bad = api_client.post(
        url("garden-manage-seasons", season.garden_id),
        {**payload, "ends_on": "2027-01-01"},
        format="json",
    )
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid")
    assert "ends_on" in bad.json()["errors"]


def test_work_days_capacity_attendance_and_hours(api_client, season, plots):
    coordinator = UserFactory()
    season.garden.coordinators.add(coordinator)
    gardeners = [UserFactory() for _ in range(3)]
    for g, p in zip(gardeners, plots.values(), strict=True):
        reserve_plot(gardener=g, plot=p, season=season)
    api_client.force_authenticate(coordinator)
    created = api_client.post(
        url("garden-manage-work-days", season.garden_id),
        {
            "season": season.pk,
            "title": "Paillage",
            "starts_at": (timezone.now() + timedelta(days=9)).isoformat(),
            "hours": "3.0",
            "capacity": 2,
        },
        format="json",
    )
    assert created.status_code == 201
    work_day_id = created.json()["id"]
    codes = []
    for g in gardeners:
        api_client.force_authenticate(g)
        codes.append(api_client.post(url("garden-work-day-signup", work_day_id)).status_code)
    assert codes == [201, 201, 409]
    outsider = UserFactory()
    api_client.force_authenticate(outsider)
    refused = api_client.post(url("garden-work-day-signup", work_day_id))
    assert refused.json()["code"] == "not_a_gardener"
    api_client.force_authenticate(coordinator)
    attended = api_client.post(
        url("garden-manage-attendance", season.garden_id, work_day_id),
        {"gardener": gardeners[0].pk, "attended": True},
        format="json",
    )
    assert attended.status_code == 200
    rows = api_client.get(url("garden-occupancy", season.garden_id)).json()
    hours = {r["reservation"]["gardener"]["id"]: r["work_hours"] for r in rows}
    assert hours[gardeners[0].pk] == "3.0"
    assert hours[gardeners[1].pk] == "0.0"


def test_cancel_through_the_api_offers_the_plot(api_client, season, plots, gardener):
    reservation = reserve_plot(gardener=gardener, plot=plots["A1"], season=season)
    waiting = UserFactory()
    join_waitlist(gardener=waiting, season=season)  # window open: no offer yet
    api_client.force_authenticate(gardener)
    response = api_client.post(url("garden-reservation-cancel", reservation.pk))
    assert response.json()["status"] == Reservation.Status.CANCELLED
    assert Offer.objects.get().entry.gardener == waiting
