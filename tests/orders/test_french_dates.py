"""The shop in French: the catalogue and the order page write their dates through
``common.dates`` (« jeudi 3 décembre, 18 h – 19 h 30 », « avant le mardi 1er décembre à 20 h »),
never « 18:00–19:30 » nor a capitalised weekday inside a sentence."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from common import dates
from orders.services import place_order

pytestmark = pytest.mark.django_db
CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b")
WEEKDAY_CAPITALISED = re.compile(r"\b(Lundi|Mardi|Mercredi|Jeudi|Vendredi|Samedi|Dimanche) \d")


def test_the_catalogue_writes_its_day_hours_and_cutoff_in_french(client, market):
    d = market.distribution
    url = reverse("frontend:distribution_catalogue", args=[d.pickup_point.slug, d.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert f"Distribution du {dates.day(d.starts_at)}" in page
    assert f"{dates.time_range(d.starts_at, d.ends_at)} · " in page
    assert f"Commandez avant le {dates.day_time(d.cutoff_at)}" in page
    main = page[page.index("<main") :]
    assert not CLOCK.search(main) and not WEEKDAY_CAPITALISED.search(main)


def test_the_order_page_writes_its_slot_and_pickup_in_french(client, market):
    d = market.distribution
    order = place_order(
        household=market.household,
        distribution=d,
        lines={market.a.offers[0].pk: 1},
        idempotency_key="fr",
    )
    order.collected_at = timezone.now()
    order.save(update_fields=["collected_at"])
    client.force_login(market.household)
    page = client.get(
        reverse("frontend:orders:detail", args=[order.pk]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert dates.slot(d.starts_at, d.ends_at) in page
    main = page[page.index("<main") :]
    assert not CLOCK.search(main) and not WEEKDAY_CAPITALISED.search(main)
