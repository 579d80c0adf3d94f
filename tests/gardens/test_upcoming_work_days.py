"""The garden's page and « My garden » list the same work days: those not ended yet (a work day
ends its hours after it starts), read in Europe/Paris."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from gardens.selectors import my_gardening, upcoming_work_days
from gardens.services import reserve_plot
from tests.factories import WorkDayFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
# Wednesday 10 June 2026, 11:00 in Lille (09:00 UTC).
NOW = datetime(2026, 6, 10, 11, 0, tzinfo=PARIS)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 6, day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def work_days(season, plots, gardener):
    reserve_plot(gardener=gardener, plot=plots["A1"], season=season)

    def day(title: str, starts_at: datetime, hours: str) -> None:
        WorkDayFactory(season=season, title=title, starts_at=starts_at, hours=hours)

    day("Last week's weeding", at(3, 9, 30), "3")
    day("This morning's watering, over", at(10, 7, 0), "3.5")  # ended at 10:30
    day("Today's compost, under way", at(10, 9, 30), "3")  # ends at 12:30
    day("Mulching next week", at(17, 9, 30), "3")
    return season


UPCOMING = ["Today's compost, under way", "Mulching next week"]


@time_machine.travel(NOW, tick=False)
def test_a_work_day_is_listed_until_it_has_ended(work_days):
    listed = upcoming_work_days([work_days.pk])
    assert [d.title for d in listed] == UPCOMING
    assert upcoming_work_days([work_days.pk], now=at(10, 12, 30))[0].title == "Mulching next week"


@time_machine.travel(NOW, tick=False)
def test_the_garden_page_and_my_garden_list_the_same_work_days(client, work_days, gardener):
    assert [d.title for d in my_gardening(gardener).work_days] == UPCOMING
    client.force_login(gardener)
    garden_page = client.get(
        reverse("frontend:gardens:detail", args=[work_days.garden.slug])
    ).content.decode()
    mine_page = client.get(reverse("frontend:gardens:mine")).content.decode()
    for page in (garden_page, mine_page):
        assert "Last week&#x27;s weeding" not in page
        assert "This morning&#x27;s watering, over" not in page
        assert "Today&#x27;s compost, under way" in page
        assert "Mulching next week" in page
