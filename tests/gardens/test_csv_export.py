"""The coordinators' CSV export: a gardener's hostile name arrives as text, not a formula."""

import re

import pytest
from django.urls import reverse

from gardens.services import reserve_plot
from tests.csv_checks import HOSTILE, assert_downloadable, assert_no_formula, french_rows
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(season, plots):
    gardener = UserFactory(full_name=HOSTILE, email="-x@evil.example")
    reserve_plot(gardener=gardener, plot=plots["A1"], season=season)
    coordinator = UserFactory()
    season.garden.coordinators.add(coordinator)
    return coordinator


def _assert_export(response, season):
    assert_downloadable(response, f"{season.garden.slug}-{season.pk}")
    rows = french_rows(response)
    assert_no_formula(rows)
    assert rows[0][:3] == ["parcelle", "surface (m²)", "statut"]
    a1 = next(row for row in rows if row[0] == "A1")
    assert (a1[3], a1[4]) == ("'" + HOSTILE, "'-x@evil.example")
    assert a1[1] == "20"  # numbers are left alone
    assert re.fullmatch(r"\d+,\d\d", a1[5]), a1[5]  # the fee with a decimal comma
    assert a1[6] in ("oui", "non")


def test_the_coordination_page_export(coordinator, season, client):
    client.force_login(coordinator)
    response = client.get(reverse("frontend:gardens:export", args=[season.garden.slug]))
    _assert_export(response, season)


def test_the_coordination_api_export(coordinator, season, api_client):
    api_client.force_authenticate(coordinator)
    response = api_client.get(reverse("api:garden-export", args=[season.garden.pk]))
    _assert_export(response, season)
