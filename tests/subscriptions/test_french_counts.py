"""The basket pages in French: each count agrees with its own noun (« 1 abonné », « 5 places
en tout », « 1 semaine sautée ») and dates come from ``common.dates``."""

import pytest
from django.urls import reverse

from common import dates
from tests.factories import UserFactory
from tests.subscriptions.conftest import active_subscription, make_amap

pytestmark = pytest.mark.django_db


def test_the_farm_counts_subscribers_and_places_each_with_its_noun(client):
    amap = make_amap(max_subscribers=5)
    active_subscription(amap)
    member = UserFactory()
    amap.producer.members.add(member)
    client.force_login(member)
    url = reverse("frontend:subscriptions:producer_baskets", args=[amap.producer.slug])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    season = amap.season
    assert (
        f"Du {dates.long(season.starts_on)} au {dates.long(season.ends_on)} · 1 abonné · "
        "5 places en tout · 0 en liste d’attente"
    ) in page


def test_a_season_with_one_skip_says_one_week(client):
    season = make_amap(max_skips=1).season
    page = client.get("/abonnements/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Jusqu'à 1 semaine sautée, au plus tard" in page
    season.max_skips = 2
    season.save(update_fields=["max_skips"])
    page = client.get("/abonnements/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Jusqu'à 2 semaines sautées, au plus tard" in page
