"""The garden pages in French: dates through ``common.dates`` (« 1er mars 2027 », the weekday in
lower case, « 14 h ») and counts that agree with their noun."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from gardens.services import reserve_plot
from tests.factories import PlotFactory, SeasonFactory, UserFactory, WorkDayFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def test_the_garden_page_writes_its_season_and_work_days_in_french(client):
    season = SeasonFactory(starts_on=date(2027, 3, 1), ends_on=date(2027, 11, 30))
    WorkDayFactory(season=season, starts_at=datetime(2027, 3, 4, 14, 0, tzinfo=PARIS), capacity=1)
    page = client.get(
        reverse("frontend:gardens:detail", args=[season.garden.slug]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "Du 1er mars 2027 au 30 novembre 2027." in page
    assert "jeudi 4 mars à 14 h" in page and "Jeudi" not in page
    assert "0 sur 1 place prise" in page  # French: 0 takes the singular


def test_the_coordination_page_counts_plots_on_their_total(client):
    season = SeasonFactory()
    plot = PlotFactory(garden=season.garden, code="A1")
    coordinator = UserFactory()
    season.garden.coordinators.add(coordinator)
    client.force_login(coordinator)
    manage = reverse("frontend:gardens:manage", args=[season.garden.slug])
    assert "0 sur 1 parcelle occupée." in client.get(manage).content.decode()
    PlotFactory(garden=season.garden, code="A2")
    reserve_plot(gardener=UserFactory(), plot=plot, season=season)
    assert "1 sur 2 parcelles occupées." in client.get(manage).content.decode()
