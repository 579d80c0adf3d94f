"""Scheduling distributions and moving them through their statuses."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from pickup.errors import DistributionTaken, InvalidSchedule, InvalidTransition
from pickup.models import Distribution
from pickup.services import (
    TRANSITIONS,
    move_distribution,
    open_due_distributions,
    schedule_distribution,
    schedule_weekly_distributions,
)
from pickup.tasks import open_due_distributions_task
from tests.factories import DistributionFactory, PickupPointFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
S = Distribution.Status


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


# --- The status pipeline --------------------------------------------------------------------

ALLOWED = {
    ("scheduled", "open"),
    ("scheduled", "cancelled"),
    ("open", "closed"),
    ("open", "cancelled"),
    ("closed", "done"),
}
START = paris(2027, 5, 11, 18, 0)  # opens 5 May 18:00, closes 9 May 18:00
WHEN = {  # a moment at which the time guards let the move through
    "open": paris(2027, 5, 6, 12, 0),
    "closed": paris(2027, 5, 10, 9, 0),
    "done": paris(2027, 5, 11, 18, 30),
    "cancelled": paris(2027, 5, 6, 12, 0),
    "scheduled": paris(2027, 5, 6, 12, 0),
}


def test_the_transition_table_is_the_documented_one():
    table = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
    assert table == ALLOWED


@pytest.mark.parametrize("current", S.values)
@pytest.mark.parametrize("target", S.values)
def test_only_allowed_moves_happen(current, target):
    with time_machine.travel(paris(2027, 5, 1), tick=False):
        distribution = schedule_distribution(
            pickup_point=PickupPointFactory(),
            starts_at=START,
            ends_at=START + timedelta(hours=2),
        )
    Distribution.objects.filter(pk=distribution.pk).update(status=current)
    distribution.refresh_from_db()
    with time_machine.travel(WHEN[target], tick=False):
        if (current, target) in ALLOWED:
            assert move_distribution(distribution=distribution, to=target).status == target
        else:
            with pytest.raises(InvalidTransition):
                move_distribution(distribution=distribution, to=target)
    distribution.refresh_from_db()
    assert distribution.status == (target if (current, target) in ALLOWED else current)


@pytest.mark.parametrize(
    ("status", "target", "moment", "why"),
    [
        ("scheduled", "open", paris(2027, 5, 9, 18, 0), "ordering has closed"),
        ("open", "closed", paris(2027, 5, 9, 17, 59), "the cutoff has not passed"),
        ("closed", "done", paris(2027, 5, 11, 17, 0), "it has not started"),
    ],
)
def test_allowed_moves_still_respect_the_clock(status, target, moment, why):
    distribution = DistributionFactory(
        starts_at=START,
        ends_at=START + timedelta(hours=2),
        opens_at=paris(2027, 5, 5, 18, 0),
        cutoff_at=paris(2027, 5, 9, 18, 0),
        status=status,
    )
    with time_machine.travel(moment, tick=False), pytest.raises(InvalidTransition):
        move_distribution(distribution=distribution, to=target)


def test_opening_early_brings_the_opening_forward():
    with time_machine.travel(paris(2027, 5, 1, 10, 0), tick=False):
        distribution = schedule_distribution(
            pickup_point=PickupPointFactory(), starts_at=START, ends_at=START + timedelta(hours=2)
        )
        move_distribution(distribution=distribution, to=S.OPEN)
    distribution.refresh_from_db()
    assert distribution.status == S.OPEN
    assert distribution.opens_at == paris(2027, 5, 1, 10, 0)


def test_a_stale_copy_cannot_move_a_distribution_twice():
    distribution = DistributionFactory(status="open")
    stale = Distribution.objects.get(pk=distribution.pk)
    move_distribution(distribution=distribution, to=S.CANCELLED)
    with pytest.raises(InvalidTransition):
        move_distribution(distribution=stale, to=S.CANCELLED)


def test_a_refused_move_is_a_409_invalid_transition(api_client, world):
    api_client.force_authenticate(world.users["host_x"])
    distribution = world.distribution["x"]
    url = reverse("api:host-distribution-status", args=[distribution.pk])
    response = api_client.post(url, {"status": "done"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert api_client.post(url, {"status": "cancelled"}, format="json").status_code == 200
    response = api_client.post(url, {"status": "open"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"


# --- Opening due distributions (periodic task) ----------------------------------------------


def test_the_opening_task_runs_every_minute():
    entry = next(
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "pickup.tasks.open_due_distributions_task"
    )
    assert entry["schedule"] == timedelta(minutes=1)


def test_opening_due_distributions_twice_gives_the_same_result():
    point = PickupPointFactory()
    with time_machine.travel(paris(2027, 5, 1, 12, 0), tick=False):
        due = schedule_distribution(
            pickup_point=point, starts_at=START, ends_at=START + timedelta(hours=2)
        )
        later = schedule_distribution(
            pickup_point=point,
            starts_at=START + timedelta(weeks=1),
            ends_at=START + timedelta(weeks=1, hours=2),
        )
        cancelled = schedule_distribution(
            pickup_point=point,
            starts_at=START + timedelta(hours=3),
            ends_at=START + timedelta(hours=4),
        )
        move_distribution(distribution=cancelled, to=S.CANCELLED)
        assert open_due_distributions() == []

    with time_machine.travel(paris(2027, 5, 5, 18, 0, 30), tick=False):
        assert open_due_distributions_task.delay().get() == 1
        first = dict(Distribution.objects.values_list("pk", "status"))
        assert open_due_distributions_task.delay().get() == 0
        assert dict(Distribution.objects.values_list("pk", "status")) == first
    assert first == {due.pk: S.OPEN, later.pk: S.SCHEDULED, cancelled.pk: S.CANCELLED}


def test_a_distribution_whose_cutoff_passed_while_scheduled_is_not_opened():
    distribution = DistributionFactory(status="scheduled", days_ahead=1)  # cutoff yesterday
    assert open_due_distributions() == []
    distribution.refresh_from_db()
    assert distribution.status == S.SCHEDULED


# --- Scheduling -----------------------------------------------------------------------------


@time_machine.travel(paris(2027, 5, 1, 12, 0), tick=False)
def test_a_distribution_gets_the_points_window_and_its_week():
    point = PickupPointFactory(opens_days=5, cutoff_hours=24)
    distribution = schedule_distribution(
        pickup_point=point, starts_at=START, ends_at=START + timedelta(hours=2)
    )
    assert distribution.opens_at == paris(2027, 5, 6, 18, 0)
    assert distribution.cutoff_at == paris(2027, 5, 10, 18, 0)
    assert distribution.week == date(2027, 5, 10)  # Monday of the ISO week of Tuesday 11 May
    assert distribution.status == S.SCHEDULED


@time_machine.travel(paris(2027, 5, 7, 12, 0), tick=False)
def test_a_distribution_whose_window_has_begun_opens_at_once():
    distribution = schedule_distribution(
        pickup_point=PickupPointFactory(), starts_at=START, ends_at=START + timedelta(hours=2)
    )
    assert distribution.status == S.OPEN


@time_machine.travel(paris(2027, 5, 1, 12, 0), tick=False)
@pytest.mark.parametrize(
    "times",
    [
        {"ends_at": START - timedelta(minutes=1)},  # ends before it starts
        {"cutoff_at": START + timedelta(hours=1)},  # closes after it starts
        {"opens_at": paris(2027, 5, 10), "cutoff_at": paris(2027, 5, 9)},  # closes before opening
        {"starts_at": paris(2027, 4, 30), "ends_at": paris(2027, 4, 30, 2)},  # in the past
    ],
)
def test_times_out_of_order_are_refused(times):
    arguments = {"starts_at": START, "ends_at": START + timedelta(hours=2), **times}
    with pytest.raises(InvalidSchedule):
        schedule_distribution(pickup_point=PickupPointFactory(), **arguments)


@time_machine.travel(paris(2027, 5, 1, 12, 0), tick=False)
def test_one_live_distribution_per_point_and_start():
    point = PickupPointFactory()
    first = schedule_distribution(
        pickup_point=point, starts_at=START, ends_at=START + timedelta(hours=2)
    )
    with pytest.raises(DistributionTaken):
        schedule_distribution(
            pickup_point=point, starts_at=START, ends_at=START + timedelta(hours=1)
        )
    move_distribution(distribution=first, to=S.CANCELLED)
    assert schedule_distribution(
        pickup_point=point, starts_at=START, ends_at=START + timedelta(hours=1)
    )


@pytest.mark.parametrize(
    ("today", "first_date", "clock_change"),
    [
        (date(2027, 3, 1), date(2027, 3, 9), date(2027, 3, 28)),  # summer time starts
        (date(2027, 10, 1), date(2027, 10, 12), date(2027, 10, 31)),  # summer time ends
    ],
)
def test_a_weekly_series_keeps_local_times_across_the_clock_change(today, first_date, clock_change):
    with time_machine.travel(datetime.combine(today, time(9), PARIS), tick=False):
        series = schedule_weekly_distributions(
            pickup_point=PickupPointFactory(opens_days=6, cutoff_hours=48),
            weekday=1,
            starts=time(18, 0),
            ends=time(19, 30),
            weeks=6,
            first_date=first_date,
        )
    assert len(series) == Distribution.objects.count() == 6
    offsets, straddling = set(), 0
    for n, distribution in enumerate(series):
        day = first_date + timedelta(weeks=n)
        assert day.weekday() == 1
        start = distribution.starts_at.astimezone(PARIS)
        assert (start.date(), start.time()) == (day, time(18, 0))
        assert distribution.ends_at.astimezone(PARIS).time() == time(19, 30)
        opens = distribution.opens_at.astimezone(PARIS)
        assert (opens.date(), opens.time()) == (day - timedelta(days=6), time(18, 0))
        cutoff = distribution.cutoff_at.astimezone(PARIS)
        assert (cutoff.date(), cutoff.time()) == (day - timedelta(days=2), time(18, 0))
        assert distribution.week == day - timedelta(days=1)
        offsets.add(start.utcoffset())
        if opens.date() < clock_change <= cutoff.date():
            # the window straddles the change: one hour less (March) or more (October) elapses
            elapsed = distribution.cutoff_at.astimezone(UTC) - opens.astimezone(UTC)
            assert elapsed == timedelta(days=4, hours=-1 if clock_change.month == 3 else 1)
            straddling += 1
    assert len(offsets) == 2 and straddling == 1  # the series does cross the change


def test_a_weekly_series_is_all_or_nothing():
    with time_machine.travel(paris(2027, 5, 1, 12), tick=False):
        point = PickupPointFactory()
        schedule_distribution(
            pickup_point=point,
            starts_at=paris(2027, 5, 25, 18),
            ends_at=paris(2027, 5, 25, 19),
        )
        with pytest.raises(DistributionTaken):
            schedule_weekly_distributions(
                pickup_point=point,
                weekday=1,
                starts=time(18),
                ends=time(19),
                weeks=4,
                first_date=date(2027, 5, 10),
            )
    assert Distribution.objects.count() == 1


def test_host_schedules_a_weekly_series_through_the_api(api_client, world):
    api_client.force_authenticate(world.users["host_x"])
    with time_machine.travel(paris(2027, 3, 1, 9), tick=False):
        response = api_client.post(
            reverse("api:host-distribution-weekly"),
            {
                "pickup_point": world.point["x"].pk,
                "weekday": 3,
                "starts": "17:30",
                "ends": "19:00",
                "weeks": 5,
                "first_date": "2027-03-10",
            },
            format="json",
        )
    assert response.status_code == 201, response.content
    rows = response.json()
    assert [row["starts_at"][:10] for row in rows] == [
        "2027-03-11",
        "2027-03-18",
        "2027-03-25",
        "2027-04-01",
        "2027-04-08",
    ]
    assert rows[2]["starts_at"].endswith("17:30:00+01:00")
    assert rows[3]["starts_at"].endswith("17:30:00+02:00")


def test_host_moves_a_distribution_and_bad_times_are_400(api_client, world):
    api_client.force_authenticate(world.users["host_x"])
    distribution = world.distribution["x"]
    url = reverse("api:host-distribution-detail", args=[distribution.pk])
    response = api_client.patch(
        url, {"ends_at": (distribution.starts_at - timedelta(hours=1)).isoformat()}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    new_start = distribution.starts_at + timedelta(days=1)
    response = api_client.patch(
        url,
        {
            "starts_at": new_start.isoformat(),
            "ends_at": (new_start + timedelta(hours=2)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    distribution.refresh_from_db()
    assert distribution.starts_at == new_start
