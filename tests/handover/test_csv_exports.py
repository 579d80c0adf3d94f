"""Packing lists and picking totals as CSV: hostile names arrive as text, never as formulas."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from common import dates
from orders.models import OrderLine
from tests.csv_checks import HOSTILE, assert_downloadable, assert_no_formula, french_rows
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/distribution-day"
PRODUCT = "@SUM(1+1)*cmd|' /C calc'!A0"
POINT = "-2+3+cmd|' /C calc'!A0"
FARM = "+Ferme =1+1"


@pytest.fixture
def hostile_day(closed_day):
    """The closed day, with a household, a product, a farm and the pickup point renamed to
    what a spreadsheet would run."""
    day = closed_day
    User.objects.filter(pk=day.orders[0].household_id).update(full_name=HOSTILE)
    apples = day.market.a.offers[0]
    OrderLine.objects.filter(offer=apples).update(product_name=PRODUCT, producer_name=FARM)
    point = day.distribution.pickup_point
    point.name = POINT
    point.save(update_fields=["name"])
    member = UserFactory()
    day.market.a.producer.members.add(member)
    day.member = member
    return day


def _assert_packing_list(response):
    assert_downloadable(response, "colisage-")
    rows = french_rows(response)
    assert rows[0] == [
        "Foyer",
        "Code de retrait",
        "Commandes",
        "Ferme",
        "Produit",
        "Quantité",
        "Montant (EUR)",
    ]
    assert_no_formula(rows)
    households = {row[0] for row in rows[1:]}
    assert "'" + HOSTILE in households and "Amine Durand" in households
    assert ("'" + FARM, "'" + PRODUCT) in {(row[3], row[4]) for row in rows[1:]}
    amounts = [row[6] for row in rows[1:] if row[4] == "'" + PRODUCT]
    assert amounts == ["9,00", "3,00"]  # amounts are left alone (3 and 1 apples at 3,00 €)


def test_the_hosts_packing_list_page_csv(hostile_day, client):
    client.force_login(hostile_day.host)
    url = reverse("frontend:day:packing_list", args=[hostile_day.distribution.pk])
    _assert_packing_list(client.get(url + "?format=csv"))


def test_the_hosts_packing_list_api_csv(hostile_day, api_client):
    api_client.force_authenticate(hostile_day.host)
    url = f"{API}/distributions/{hostile_day.distribution.pk}/packing-list/?format=csv"
    _assert_packing_list(api_client.get(url))


def _assert_picking(response, day):
    assert_downloadable(response, f"preparation-{day.market.a.producer.slug}-")
    rows = french_rows(response)
    assert rows[0] == [
        "Point relais",
        "Distribution",
        "Produit",
        "Prix unitaire (EUR)",
        "Quantité",
        "Montant (EUR)",
    ]
    assert_no_formula(rows)
    apples = [row for row in rows[1:] if row[2] == "'" + PRODUCT]
    assert [(row[0], row[3], row[4], row[5]) for row in apples] == [
        ("'" + POINT, "3,00", "4", "12,00")
    ]
    starts = timezone.localtime(day.distribution.starts_at)
    assert {row[1] for row in apples} == {f"{starts:%d/%m/%Y %H:%M}"}


def _picking_urls(day):
    slug, pk = day.market.a.producer.slug, day.distribution.pk
    producer_id, week = day.market.a.producer.pk, f"{day.distribution.week:%Y-%m-%d}"
    pages = [
        reverse("frontend:day:producer_picking", args=[slug, pk]),
        reverse("frontend:day:producer_week", args=[slug, week]),
    ]
    api = [
        f"{API}/producers/{producer_id}/distributions/{pk}/picking/",
        f"{API}/producers/{producer_id}/weeks/{week}/picking/",
    ]
    return pages, api


def test_the_farms_picking_pages_csv(hostile_day, client):
    client.force_login(hostile_day.member)
    pages, _api = _picking_urls(hostile_day)
    for url in pages:
        _assert_picking(client.get(url + "?format=csv"), hostile_day)


def test_the_farms_picking_api_csv(hostile_day, api_client):
    api_client.force_authenticate(hostile_day.member)
    _pages, api = _picking_urls(hostile_day)
    for url in api:
        _assert_picking(api_client.get(url + "?format=csv"), hostile_day)


def test_the_farms_picking_pages_are_titled_with_their_day_or_week_in_french(hostile_day, client):
    client.force_login(hostile_day.member)
    (one_day, one_week), _api = _picking_urls(hostile_day)
    d = hostile_day.distribution
    html = client.get(one_day, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert f"— {dates.slot(d.starts_at, d.ends_at)}</h1>" in html
    html = client.get(one_week, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert f"— {dates.week(d.week)}</h1>" in html and "semaine du " in html
