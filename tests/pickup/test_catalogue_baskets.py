"""Basket products are sold by season subscription only, never in the one-off catalogue."""

import pytest

from pickup.selectors import catalogue_offers
from producers.models import Product
from tests.factories import (
    CatalogueFactory,
    DistributionFactory,
    OfferFactory,
    ProductFactory,
    SupplierFactory,
)

pytestmark = pytest.mark.django_db


def test_basket_offers_are_not_on_sale_one_by_one():
    supplier = SupplierFactory(status="approved")
    distribution = DistributionFactory(pickup_point=supplier.pickup_point, status="open")
    catalogue = CatalogueFactory(
        producer=supplier.producer, week=distribution.week, status="published"
    )
    leeks = OfferFactory(catalogue=catalogue, product=ProductFactory(producer=supplier.producer))
    OfferFactory(
        catalogue=catalogue,
        product=ProductFactory(producer=supplier.producer, category=Product.Category.BASKET),
    )
    assert list(catalogue_offers(distribution=distribution)) == [leeks]
