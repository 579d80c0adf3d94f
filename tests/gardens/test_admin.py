from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from gardens.errors import AlreadyWaiting, PlotTaken, WorkDayFull
from gardens.models import Reservation, Season, WaitlistEntry, WorkDay
from gardens.services import join_waitlist, reserve_plot, sign_up_for_work_day
from tests.admin_forms import admin_form_data, post_admin_form
from tests.factories import GardenFactory, SeasonFactory, UserFactory, WorkDayFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", ["garden", "season", "reservation", "waitlistentry", "offer", "workday"]
)
def test_operators_see_every_gardens_table(client, season, plots, model):
    reserve_plot(gardener=UserFactory(), plot=plots["A1"], season=season)
    join_waitlist(gardener=UserFactory(), season=season)
    WorkDayFactory(season=season)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    changelist = client.get(reverse(f"admin:gardens_{model}_changelist"))
    assert changelist.status_code == 200


def test_changing_a_gardens_address_in_the_admin_makes_its_position_pending(client):
    garden = GardenFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    form = {
        "name": garden.name,
        "slug": garden.slug,
        "address": "Place de la Gare, 59800 Lille",
        "description": "",
        "rules": "",
        "plan_width_m": 30,
        "plan_height_m": 20,
        "is_active": "on",
        "latitude": garden.latitude,
        "longitude": garden.longitude,
        "location_status": "located",
    }
    for prefix in ("seasons", "plots"):
        form |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    response = client.post(reverse("admin:gardens_garden_change", args=[garden.pk]), form)
    assert response.status_code == 302
    garden.refresh_from_db()
    assert garden.address == "Place de la Gare, 59800 Lille"
    assert (garden.latitude, garden.location_status) == (None, "pending")


def url(model, *args, view="change"):
    return reverse(f"admin:gardens_{model}_{view}", args=args)


def test_a_season_whose_applications_close_after_it_ends_is_a_form_error(operator):
    garden = GardenFactory()
    today = timezone.localdate()
    dates = {
        "starts_on": today,
        "ends_on": today + timedelta(days=90),
        "applications_open_on": today,
        "applications_close_on": today + timedelta(days=91),
    }
    response = post_admin_form(
        operator, url("season", view="add"), garden=garden.pk, name="Été", **dates
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["applications_close_on"] == [
        "Les inscriptions doivent fermer avant la fin de la saison."
    ]
    assert not Season.objects.exists()
    season = SeasonFactory()
    late = season.ends_on + timedelta(days=1)
    response = post_admin_form(operator, url("season", season.pk), applications_close_on=late)
    assert response.status_code == 200
    season.refresh_from_db()
    assert season.applications_close_on < late


def test_a_season_added_inline_follows_the_same_rules(operator):
    garden = GardenFactory()
    today = timezone.localdate()
    row = {
        "seasons-TOTAL_FORMS": 1,
        "seasons-0-name": "Été",
        "seasons-0-starts_on": today,
        "seasons-0-ends_on": today + timedelta(days=90),
        "seasons-0-applications_open_on": today,
        "seasons-0-applications_close_on": today + timedelta(days=91),
        "seasons-0-fee_cents": 2000,
        "seasons-0-fee_basis": "per_plot",
        "seasons-0-max_plots_per_gardener": 1,
        "seasons-0-required_work_hours": 0,
    }
    response = post_admin_form(operator, url("garden", garden.pk), name="Renommé", **row)
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "Les inscriptions doivent fermer avant la fin de la saison."
    ]
    garden.refresh_from_db()
    assert garden.name != "Renommé"  # the whole change is rolled back
    assert garden.seasons.count() == 0
    row["seasons-0-applications_close_on"] = today + timedelta(days=30)
    assert post_admin_form(operator, url("garden", garden.pk), **row).status_code == 302
    assert garden.seasons.get().name == "Été"


def test_a_reservation_added_in_the_admin_follows_the_gardeners_rules(operator, season, plots):
    gardener, other = UserFactory(), UserFactory()
    add = url("reservation", view="add")
    fields = {"plot": plots["A1"].pk, "season": season.pk}
    assert post_admin_form(operator, add, gardener=gardener.pk, **fields).status_code == 302
    reservation = Reservation.objects.get(gardener=gardener)
    assert (reservation.status, reservation.fee_cents) == ("reserved", season.fee_for(plots["A1"]))
    taken = post_admin_form(operator, add, gardener=other.pk, **fields)
    assert taken.status_code == 200
    assert taken.context["adminform"].form.non_field_errors() == [str(PlotTaken.default_message)]
    assert not Reservation.objects.filter(gardener=other).exists()


def test_a_fee_is_recorded_through_the_service(operator, season, plots):
    reservation = reserve_plot(gardener=UserFactory(), plot=plots["A1"], season=season)
    change = url("reservation", reservation.pk)
    response = post_admin_form(operator, change, fee_paid=True, fee_method="")
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "Indiquez comment la cotisation a été payée."
    ]
    response = post_admin_form(
        operator, change, fee_paid=True, fee_method="cash", plot=plots["B1"].pk
    )
    assert response.status_code == 302
    reservation.refresh_from_db()
    assert (reservation.fee_paid, reservation.fee_method) == (True, "cash")
    assert reservation.fee_paid_on == timezone.localdate()  # the service's default
    assert reservation.plot == plots["A1"]  # a reservation keeps its plot


def test_the_waiting_list_is_joined_and_left_through_the_services(operator, season, plots):
    gardener = UserFactory()
    add = url("waitlistentry", view="add")
    assert post_admin_form(operator, add, gardener=gardener.pk, season=season.pk).status_code == 302
    entry = WaitlistEntry.objects.get(gardener=gardener)
    again = post_admin_form(operator, add, gardener=gardener.pk, season=season.pk)
    assert again.status_code == 200
    assert again.context["adminform"].form.non_field_errors() == [
        str(AlreadyWaiting.default_message)
    ]
    operator.post(
        url("waitlistentry", view="changelist"), {"action": "leave", "_selected_action": [entry.pk]}
    )
    entry.refresh_from_db()
    assert entry.status == "left"


def test_offers_are_read_only(operator):
    assert operator.get(url("offer", view="add")).status_code == 403


def test_a_work_day_belongs_to_its_seasons_garden(operator, season):
    elsewhere = GardenFactory()
    add = url("workday", view="add")
    data = admin_form_data(
        operator.get(add),
        season=season.pk,
        title="Paillage",
        hours="3",
        capacity=1,
    )
    data |= {"garden": elsewhere.pk, "starts_at_0": (timezone.localdate() + timedelta(days=7))}
    data["starts_at_1"] = "10:00:00"
    assert operator.post(add, data).status_code == 302
    day = WorkDay.objects.get(title="Paillage")
    assert day.garden == season.garden


def test_sign_ups_and_attendance_go_through_the_services(operator, season, plots):
    first, second = UserFactory(), UserFactory()
    for person, code in ((first, "A1"), (second, "A2")):
        reserve_plot(gardener=person, plot=plots[code], season=season)
    day = WorkDayFactory(season=season, capacity=1, hours=3)
    change = url("workday", day.pk)
    rows = {
        "signups-TOTAL_FORMS": 2,
        "signups-0-gardener": first.pk,
        "signups-1-gardener": second.pk,
    }
    full = post_admin_form(operator, change, **rows)
    assert full.status_code == 200
    assert full.context["adminform"].form.non_field_errors() == [str(WorkDayFull.default_message)]
    assert not day.signups.exists()
    rows = {"signups-TOTAL_FORMS": 1, "signups-0-gardener": first.pk}
    assert post_admin_form(operator, change, **rows).status_code == 302
    signup = day.signups.get()
    attended = {"signups-0-attended": "true", "signups-0-hours": ""}
    assert post_admin_form(operator, change, **attended).status_code == 302
    signup.refresh_from_db()
    assert (signup.attended, signup.hours) == (True, 3)  # the whole day, as the service says
    withdraw = post_admin_form(operator, change, **{"signups-0-DELETE": "on"})
    assert withdraw.status_code == 200
    assert day.signups.filter(pk=signup.pk).exists()  # attendance recorded stays


def test_another_gardener_in_a_sign_ups_place_is_signed_up_by_the_service(operator, season, plots):
    first, second, stranger = UserFactory(), UserFactory(), UserFactory()
    for person, code in ((first, "A1"), (second, "A2")):
        reserve_plot(gardener=person, plot=plots[code], season=season)
    day = WorkDayFactory(season=season, capacity=1)
    sign_up_for_work_day(gardener=first, work_day=day)
    change = url("workday", day.pk)
    refused = post_admin_form(operator, change, **{"signups-0-gardener": stranger.pk})
    assert refused.status_code == 200  # not a gardener of the season
    assert [s.gardener for s in day.signups.all()] == [first]
    assert post_admin_form(operator, change, **{"signups-0-gardener": second.pk}).status_code == 302
    assert [s.gardener for s in day.signups.all()] == [second]
