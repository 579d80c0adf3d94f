from datetime import timedelta
from types import SimpleNamespace

import pytest

from producers.models import Catalogue, Offer, Product
from subscriptions.models import BasketSeason, Subscription
from tests.factories import (
    CatalogueFactory,
    DistributionFactory,
    ProducerFactory,
    SupplierFactory,
    UserFactory,
    chargeable,
)
from tests.orders.conftest import far_market, market  # noqa: F401  (shared fixtures)

PRICE = 1500


def basket_stock(producer, product, week, *, stock=10):
    """The farm's baskets in its published catalogue of ``week`` (one catalogue a week: the
    week's catalogue of another fixture is reused, whatever the weekday the tests run)."""
    catalogue = Catalogue.objects.filter(producer=producer, week=week).first()
    if catalogue is None:
        catalogue = CatalogueFactory(producer=producer, week=week, status="published")
    offer, _created = Offer.objects.update_or_create(
        catalogue=catalogue,
        product=product,
        defaults={"price_cents": PRICE, "quantity": stock, "remaining": stock},
    )
    return offer


def active_subscription(amap, household=None, **extra):
    """An active, prepaid subscription from the open distribution's week to the season's end."""
    household = household or UserFactory()
    weeks = len(amap.season.weeks(since=amap.distribution.week))
    fields = {
        "season": amap.season,
        "household": household,
        "pickup_point": amap.point,
        "status": Subscription.Status.ACTIVE,
        "first_week": amap.distribution.week,
        "price_cents": PRICE,
        "weeks_paid": weeks,
        "total_cents": PRICE * weeks,
    }
    return Subscription.objects.create(**{**fields, **extra})


def make_amap(*, max_subscribers=5, max_skips=2, stock=10, **distribution_fields):
    distribution = DistributionFactory(**distribution_fields)
    point = distribution.pickup_point
    producer = ProducerFactory(name="Les Jardins de la Deûle")
    chargeable(producer)
    SupplierFactory(producer=producer, pickup_point=point)
    product = Product.objects.create(
        producer=producer,
        name="Panier de légumes — petit",
        category="basket",
        unit="piece",
        price_cents=PRICE,
    )
    season = BasketSeason.objects.create(
        product=product,
        starts_on=distribution.week - timedelta(weeks=2),
        ends_on=distribution.week + timedelta(weeks=9),
        price_cents=PRICE,
        max_subscribers=max_subscribers,
        max_skips=max_skips,
        skip_deadline_hours=24,
    )
    season.pickup_points.add(point)
    offer = basket_stock(producer, product, distribution.week, stock=stock)
    return SimpleNamespace(
        distribution=distribution,
        point=point,
        producer=producer,
        product=product,
        season=season,
        offer=offer,
    )


@pytest.fixture
def amap(db):
    """An open distribution (cutoff in 2 days) at a point where a small-basket season runs
    (15 € a week, 5 places, 2 skips, skip 24 h before the cutoff), with 10 baskets in stock."""
    return make_amap()
