"""seed_demo makes basket seasons the demo household can subscribe to, idempotently."""

import pytest
from django.core.management import call_command

from accounts.demo import demo_email
from accounts.models import User
from producers.models import Catalogue, Offer
from subscriptions.models import BasketSeason
from subscriptions.services import subscribe

pytestmark = pytest.mark.django_db


def test_seeding_twice_gives_the_same_rows_and_the_household_can_subscribe(fake_stripe):
    call_command("seed_demo")
    counts = (BasketSeason.objects.count(), Catalogue.objects.count(), Offer.objects.count())
    call_command("seed_demo")
    assert counts == (
        BasketSeason.objects.count(),
        Catalogue.objects.count(),
        Offer.objects.count(),
    )
    assert counts[0] == 2
    season = BasketSeason.objects.get(product__name="Panier de légumes — petit")
    household = User.objects.get(email=demo_email("foyer"))
    subscription = subscribe(
        household=household, season=season, pickup_point=season.pickup_points.first()
    )
    assert subscription.weeks_paid > 0
