"""The producers' reads shared by the pages, the API and the services."""

import pytest

from producers import selectors
from producers.weeks import next_week
from tests.factories import CatalogueFactory, OfferFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_the_products_to_offer_are_the_farms_active_ones_not_in_the_catalogue_yet():
    catalogue = CatalogueFactory()
    farm = catalogue.producer
    offered = OfferFactory(catalogue=catalogue, product__name="Ail").product
    ProductFactory(producer=farm, name="Betterave", is_active=False)
    ProductFactory(name="Chou (another farm)")
    later = CatalogueFactory(producer=farm, week=next_week())
    OfferFactory(catalogue=later, product__name="Navet")  # offered another week only
    ProductFactory(producer=farm, name="Carotte")

    names = [p.name for p in selectors.products_to_offer(catalogue=catalogue)]

    assert names == ["Carotte", "Navet"]
    assert offered.name not in names
    assert [p.name for p in selectors.products_to_offer(catalogue=later)] == ["Ail", "Carotte"]
