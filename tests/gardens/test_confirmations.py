"""Reserving, giving back and releasing a plot ask first (confirm page, bare POST refused)."""

import pytest
from django.urls import reverse

from gardens.models import Reservation
from gardens.services import reserve_plot

pytestmark = pytest.mark.django_db


def test_reserving_asks_first_with_the_work_hours(client, season, plots, gardener):
    client.force_login(gardener)
    url = reverse("frontend:gardens:reserve", args=[season.garden.slug])
    data = {"plot": plots["B1"].pk, "season": season.pk}

    page = client.get(url, data)
    assert page.status_code == 200
    hours = season.required_work_hours
    word = "heure" if hours < 2 else "heures"  # French: 0 and 1 take the singular
    assert f"{hours} {word} de travail collectif" in page.content.decode()
    assert client.post(url, data).status_code == 400
    assert not Reservation.objects.filter(gardener=gardener).exists()


def test_giving_back_and_releasing_ask_first(client, season, plots, gardener):
    reservation = reserve_plot(gardener=gardener, plot=plots["B1"], season=season)
    client.force_login(gardener)
    url = reverse("frontend:gardens:cancel", args=[reservation.pk])
    assert "liste d’attente" in client.get(url).content.decode()
    assert client.post(url).status_code == 400
    reservation.refresh_from_db()
    assert reservation.status == "reserved"
    client.post(url, {"confirm": "1"})
    reservation.refresh_from_db()
    assert reservation.status == "cancelled"
