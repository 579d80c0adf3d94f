from types import SimpleNamespace

import pytest

from producers.models import Offer, Product
from tests.factories import (
    CatalogueFactory,
    DistributionFactory,
    ProducerFactory,
    SupplierFactory,
    UserFactory,
)


def stocked_farm(distribution, *, prices=(300,), stock=10, minimum_cents=0, name=None):
    producer = ProducerFactory(
        minimum_order_cents=minimum_cents, **({"name": name} if name else {})
    )
    SupplierFactory(producer=producer, pickup_point=distribution.pickup_point)
    catalogue = CatalogueFactory(producer=producer, week=distribution.week, status="published")
    offers = []
    for n, price in enumerate(prices):
        product = Product.objects.create(
            producer=producer,
            name=f"{producer.name} produit {n}",
            category="vegetables",
            unit="kg",
            quantity_per_unit=1,
            price_cents=price,
        )
        offers.append(
            Offer.objects.create(
                catalogue=catalogue,
                product=product,
                price_cents=price,
                quantity=stock,
                remaining=stock,
            )
        )
    return SimpleNamespace(producer=producer, offers=offers)


def weighed_offer(farm, *, name="Tomme", grams=500, price=950, stock=10):
    """A piece of about ``grams`` g at about ``price`` cents, sold by weight."""
    product = Product.objects.create(
        producer=farm.producer,
        name=name,
        category="dairy",
        unit="g",
        quantity_per_unit=grams,
        price_cents=price,
        sold_by_weight=True,
    )
    return Offer.objects.create(
        catalogue=farm.offers[0].catalogue,
        product=product,
        price_cents=price,
        quantity=stock,
        remaining=stock,
    )


@pytest.fixture
def market(db):
    """An open distribution (cutoff in 2 days) with two farms and a household.

    Farm A: minimum 0, offers at 3.00 € and 1.99 €. Farm B: minimum 20 €, one offer at 4.35 €.
    """
    distribution = DistributionFactory()
    return SimpleNamespace(
        distribution=distribution,
        a=stocked_farm(distribution, prices=(300, 199)),
        b=stocked_farm(distribution, prices=(435,), minimum_cents=2000),
        household=UserFactory(),
    )


@pytest.fixture
def far_market(db):
    """An open distribution whose cutoff is 7 days away: payments are captured at once."""
    from datetime import timedelta

    from django.utils import timezone

    starts = (timezone.now() + timedelta(days=9)).replace(microsecond=0)
    distribution = DistributionFactory(
        starts_at=starts, opens_at=timezone.now() - timedelta(hours=1)
    )
    return SimpleNamespace(
        distribution=distribution,
        a=stocked_farm(distribution, prices=(300, 199)),
        b=stocked_farm(distribution, prices=(435,), minimum_cents=2000),
        household=UserFactory(),
    )
