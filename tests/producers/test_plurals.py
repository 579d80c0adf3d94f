"""Counts read right in French on the farm's pages: 0 and 1 take the singular, 2 the plural,
and weeks are « semaine du … », never an ISO week code."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from producers.weeks import current_week, iso_label
from tests.factories import (
    CatalogueFactory,
    OfferFactory,
    ProducerFactory,
    ProductFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def farm(client):
    user = UserFactory()
    producer = ProducerFactory()
    producer.members.add(user)
    client.force_login(user)
    client.cookies["django_language"] = "fr"
    return producer


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_ordered_and_left_on_the_dashboard_for_0_1_and_2(client, farm):
    catalogue = CatalogueFactory(producer=farm, week=current_week())
    OfferFactory(catalogue=catalogue, product__name="Poireaux", quantity=1, taken=0)
    OfferFactory(catalogue=catalogue, product__name="Navets", quantity=2, taken=1)
    OfferFactory(catalogue=catalogue, product__name="Radis", quantity=4, taken=2)
    html = _text(client.get(reverse("frontend:producer:dashboard", args=[farm.slug])))
    assert "0 commandé, 1 restant" in html
    assert "1 commandé, 1 restant" in html
    assert "2 commandés, 2 restants" in html
    assert "(s)" not in html
    assert iso_label(current_week()) + "," not in html  # no « 2026-W49, from Monday … »
    assert f"Semaine du {current_week().day}" in html.replace("1er", "1")


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["Carottes"], "1 nouvelle ligne, 0 ligne mise à jour"),
        (["Carottes", "Mâche"], "1 nouvelle ligne, 1 ligne mise à jour"),
        (["Carottes", "Mâche", "Navets", "Poireaux"], "3 nouvelles lignes, 1 ligne mise à jour"),
    ],
)
def test_the_import_says_how_many_lines_in_french(client, farm, names, expected):
    ProductFactory(producer=farm, name="Mâche")
    text = "nom;catégorie;unité;prix\n" + "".join(f"{n};légumes;kg;2,50\n" for n in names)
    upload = SimpleUploadedFile("produits.csv", text.encode("utf-8-sig"), "text/csv")
    response = client.post(
        reverse("frontend:producer:products_import", args=[farm.slug]), {"file": upload}
    )
    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == f"Fichier importé : {expected}."
