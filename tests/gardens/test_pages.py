import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gardens.models import Offer, Reservation
from gardens.services import cancel_reservation, join_waitlist, record_fee, reserve_plot
from tests.factories import GardenFactory, PlotFactory, SeasonFactory, UserFactory

pytestmark = pytest.mark.django_db


def detail(garden):
    return reverse("frontend:gardens:detail", args=[garden.slug])


def test_the_list_finds_gardens_near_a_town(client):
    GardenFactory(name="Jardin de Roubaix", latitude=50.69, longitude=3.17)
    GardenFactory(name="Jardin de Paris", latitude=48.85, longitude=2.35)
    page = client.get(reverse("frontend:gardens:list"), {"q": "Roubaix"}).content.decode()
    assert "Jardin de Roubaix" in page and "Jardin de Paris" not in page
    page = client.get(reverse("frontend:gardens:list"), {"q": "xyzzy plugh"}).content.decode()
    assert 'role="alert"' in page


def test_the_plan_draws_each_plot_focusable_labelled_and_stateful(client, season, plots, gardener):
    reserve_plot(gardener=gardener, plot=plots["A1"], season=season)
    reserve_plot(gardener=UserFactory(), plot=plots["A2"], season=season)
    client.force_login(gardener)
    page = client.get(detail(season.garden)).content.decode()
    assert "<svg" in page and "<title" in page
    plots_svg = re.findall(r'<g class="plot plot-(\w+)"[^>]*tabindex="0" role="(\w+)"', page)
    assert sorted(plots_svg) == [("free", "button"), ("reserved", "img"), ("yours", "img")]
    assert 'aria-label="Plot B1' in page or 'aria-label="Parcelle B1' in page
    # the free plot's button: a confirm dialog, and a link to the confirm page without JS
    assert page.count('class="confirm-dialog"') == 1
    for state in ("swatch-free", "swatch-reserved", "swatch-yours"):
        assert state in page  # the legend


def test_anonymous_visitors_see_the_plan_without_buttons(client, season, plots):
    page = client.get(detail(season.garden)).content.decode()
    assert 'role="button"' not in page
    assert 'class="confirm-dialog"' not in page


def _garden_page_queries(client, count: int) -> int:
    """Queries of the garden page seen by a gardener, with ``count`` plots (a third reserved)."""
    season = SeasonFactory()
    PlotFactory.create_batch(count, garden=season.garden)
    gardener = UserFactory()
    for plot in season.garden.plots.all()[: count // 3]:
        reserve_plot(gardener=UserFactory(), plot=plot, season=season)
    reserve_plot(gardener=gardener, plot=season.garden.plots.last(), season=season)
    join_waitlist(gardener=UserFactory(), season=season)
    client.force_login(gardener)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(detail(season.garden))
    assert response.status_code == 200
    assert response.content.decode().count('class="plot plot-') == count
    return len(queries)


def test_the_garden_page_query_count_does_not_grow_with_plots(client):
    small, large = _garden_page_queries(client, 12), _garden_page_queries(client, 300)
    assert small == large
    assert large <= 15


def test_reserving_from_the_page_then_giving_back(client, season, plots, gardener):
    client.force_login(gardener)
    response = client.post(
        reverse("frontend:gardens:reserve", args=[season.garden.slug]),
        {"plot": plots["B1"].pk, "season": season.pk, "confirm": "1"},
        follow=True,
    )
    assert Reservation.objects.get(gardener=gardener).plot == plots["B1"]
    assert 'class="plot plot-yours"' in response.content.decode()
    again = client.post(
        reverse("frontend:gardens:reserve", args=[season.garden.slug]),
        {"plot": plots["A1"].pk, "season": season.pk, "confirm": "1"},
        follow=True,
    )
    assert "message-error" in again.content.decode()
    reservation = Reservation.objects.get(gardener=gardener)
    client.post(reverse("frontend:gardens:cancel", args=[reservation.pk]), {"confirm": "1"})
    reservation.refresh_from_db()
    assert reservation.status == "cancelled"


def test_the_gardener_page_shows_position_offers_and_answers_them(client, season, plots, gardener):
    holders = {
        code: reserve_plot(gardener=UserFactory(), plot=p, season=season)
        for code, p in plots.items()
    }
    join_waitlist(gardener=UserFactory(), season=season, needs_shed=True)
    join_waitlist(gardener=gardener, season=season)
    client.force_login(gardener)
    page = client.get(reverse("frontend:gardens:mine")).content.decode()
    assert 'data-position="2"' in page
    cancel_reservation(reservation=holders["A2"])
    offer = Offer.objects.get(status="open")
    assert offer.entry.gardener == gardener
    page = client.get(reverse("frontend:gardens:mine")).content.decode()
    assert reverse("frontend:gardens:accept", args=[offer.pk]) in page
    client.post(reverse("frontend:gardens:accept", args=[offer.pk]))
    assert Reservation.objects.get(gardener=gardener, status="reserved").plot.code == "A2"


def test_coordination_page_is_scoped_and_exports_csv(client, season, plots, gardener):
    reserve_plot(gardener=gardener, plot=plots["A1"], season=season)
    coordinator, stranger = UserFactory(), UserFactory()
    season.garden.coordinators.add(coordinator)
    GardenFactory().coordinators.add(stranger)
    manage = reverse("frontend:gardens:manage", args=[season.garden.slug])
    export = reverse("frontend:gardens:export", args=[season.garden.slug])
    client.force_login(stranger)
    assert client.get(manage).status_code == 404
    assert client.get(export).status_code == 404
    client.force_login(gardener)
    assert client.get(manage).status_code == 404
    client.force_login(coordinator)
    page = client.get(manage).content.decode()
    assert gardener.full_name in page
    content = client.get(export).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert len(rows) == 1 + len(plots)
    assert rows[1][0] == "A1" and rows[1][3] == gardener.full_name


def test_nav_links_to_the_gardens(client):
    page = client.get("/").content.decode()
    assert reverse("frontend:gardens:list") in page


def test_the_list_page_finds_what_the_api_finds(client, api_client):
    for name, lat, lng in [
        ("Roubaix", 50.69, 3.17),
        ("Lille", 50.63, 3.06),
        ("Paris", 48.85, 2.35),
    ]:
        GardenFactory(name=name, latitude=lat, longitude=lng)
    page = client.get(reverse("frontend:gardens:list"), {"q": "59100 Roubaix"})
    api = api_client.get(reverse("api:garden-list"), {"q": "59100 Roubaix"}).json()
    assert [g.name for g in page.context["gardens"]] == [g["name"] for g in api]
    assert [g["name"] for g in api] == ["Roubaix", "Lille"]
    everyone = client.get(reverse("frontend:gardens:list"), {"q": ""}).context["gardens"]
    assert [g.name for g in everyone] == ["Lille", "Paris", "Roubaix"]


def test_the_coordination_page_shows_the_fees_paid_and_due(client, season, plots, gardener):
    paid = reserve_plot(gardener=gardener, plot=plots["A1"], season=season)
    record_fee(reservation=paid, paid=True, method="cash")
    reserve_plot(gardener=UserFactory(), plot=plots["A2"], season=season)
    coordinator = UserFactory()
    season.garden.coordinators.add(coordinator)
    client.force_login(coordinator)
    page = client.get(reverse("frontend:gardens:manage", args=[season.garden.slug]))
    assert "Cotisations payées : 20,00\xa0€ ; restant dû : 20,00\xa0€." in page.content.decode()
