from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from common.errors import Invalid
from gardens.errors import NotAGardener, WorkDayFull, WorkDayOver
from gardens.selectors import work_hours
from gardens.services import (
    cancel_work_day_signup,
    record_attendance,
    remove_work_day_signup,
    reserve_plot,
    schedule_work_day,
    sign_up_for_work_day,
    update_work_day,
)
from tests.factories import SeasonFactory, UserFactory, WorkDayFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def gardeners(season, plots):
    people = [UserFactory() for _ in plots]
    for person, plot in zip(people, plots.values(), strict=True):
        reserve_plot(gardener=person, plot=plot, season=season)
    return people


def test_capacity_is_enforced_and_signing_up_twice_is_harmless(season, gardeners):
    day = WorkDayFactory(season=season, capacity=2)
    first = sign_up_for_work_day(gardener=gardeners[0], work_day=day)
    assert sign_up_for_work_day(gardener=gardeners[0], work_day=day) == first
    sign_up_for_work_day(gardener=gardeners[1], work_day=day)
    with pytest.raises(WorkDayFull):
        sign_up_for_work_day(gardener=gardeners[2], work_day=day)
    cancel_work_day_signup(gardener=gardeners[1], work_day=day)
    sign_up_for_work_day(gardener=gardeners[2], work_day=day)


def test_only_gardeners_of_the_season_and_only_before_it_starts(season, gardeners):
    day = WorkDayFactory(season=season)
    with pytest.raises(NotAGardener):
        sign_up_for_work_day(gardener=UserFactory(), work_day=day)
    with time_machine.travel(day.starts_at + timedelta(minutes=1)), pytest.raises(WorkDayOver):
        sign_up_for_work_day(gardener=gardeners[0], work_day=day)


def test_hours_count_attended_days_only(season, gardeners):
    long_day = WorkDayFactory(season=season, hours=Decimal("3.5"))
    short_day = WorkDayFactory(season=season, hours=2)
    for day in (long_day, short_day):
        for person in gardeners[:2]:
            sign_up_for_work_day(gardener=person, work_day=day)
    for signup in long_day.signups.all():
        record_attendance(signup=signup, attended=True)
    first_short, second_short = short_day.signups.order_by("pk")
    record_attendance(signup=first_short, attended=True, hours=Decimal(1))
    record_attendance(signup=second_short, attended=False)
    hours = work_hours(season)
    assert hours[gardeners[0].pk] == Decimal("4.5")
    assert hours[gardeners[1].pk] == Decimal("3.5")
    assert hours[gardeners[2].pk] == 0


def test_a_work_day_needs_hours_and_places(season):
    with pytest.raises(Invalid) as caught:
        schedule_work_day(
            season=season, title="x", starts_at=timezone.now(), hours=Decimal(0), capacity=0
        )
    assert set(caught.value.extra["errors"]) == {"hours", "capacity"}


def test_a_work_day_changes_under_the_same_rules_and_stays_in_its_season(season):
    day = WorkDayFactory(season=season, capacity=2)
    update_work_day(work_day=day, changes={"capacity": 5, "title": "Taille des haies"})
    day.refresh_from_db()
    assert (day.capacity, day.title) == (5, "Taille des haies")
    with pytest.raises(Invalid) as caught:
        update_work_day(work_day=day, changes={"hours": Decimal(0)})
    assert set(caught.value.extra["errors"]) == {"hours"}
    with pytest.raises(Invalid) as caught:
        update_work_day(work_day=day, changes={"season": SeasonFactory()})
    assert set(caught.value.extra["errors"]) == {"season"}
    day.refresh_from_db()
    assert (day.hours, day.season) == (3, season)


def test_a_coordinator_removes_a_sign_up_until_attendance_is_recorded(season, gardeners):
    day = WorkDayFactory(season=season)
    kept, removed = (sign_up_for_work_day(gardener=g, work_day=day) for g in gardeners[:2])
    record_attendance(signup=kept, attended=True)
    with pytest.raises(Invalid):
        remove_work_day_signup(signup=kept)
    remove_work_day_signup(signup=removed)
    assert list(day.signups.all()) == [kept]


def test_recorded_attendance_does_not_go_back_to_unknown(season, gardeners):
    day = WorkDayFactory(season=season)
    signup = sign_up_for_work_day(gardener=gardeners[0], work_day=day)
    record_attendance(signup=signup, attended=None)  # nothing recorded yet: nothing changes
    signup.refresh_from_db()
    assert (signup.attended, signup.hours) == (None, None)
    record_attendance(signup=signup, attended=False)
    with pytest.raises(Invalid) as caught:
        record_attendance(signup=signup, attended=None)
    assert list(caught.value.extra["errors"]) == ["attended"]
    signup.refresh_from_db()
    assert (signup.attended, signup.hours) == (False, 0)
