from decimal import Decimal

import pytest
from django.utils import translation

from producers.pricing import ReferencePrice, reference_price
from tests.factories import ProductFactory


@pytest.mark.parametrize(
    ("price_cents", "unit", "quantity", "expected"),
    [
        (250, "g", "500", ReferencePrice(500, "kg")),  # 500 g at 2,50 € → 5,00 €/kg
        (600, "cl", "75", ReferencePrice(800, "l")),  # 75 cl at 6 € → 8,00 €/l
        (280, "kg", "1", ReferencePrice(280, "kg")),
        (1350, "kg", "5", ReferencePrice(270, "kg")),
        (140, "l", "1", ReferencePrice(140, "l")),
        (199, "ml", "330", ReferencePrice(603, "l")),  # 6.0303 → rounded once
        (520, "g", "180", ReferencePrice(2889, "kg")),  # 28.888… → 28,89
        (150, "piece", "1", None),
        (220, "bunch", "1", None),
        (290, "box", "1", None),
        (540, "dozen", "1", None),
    ],
)
def test_reference_price(price_cents, unit, quantity, expected):
    assert (
        reference_price(price_cents=price_cents, unit=unit, quantity_per_unit=Decimal(quantity))
        == expected
    )


def test_reference_price_reads_as_a_price_per_kg_or_litre():
    with translation.override("fr"):
        assert str(ReferencePrice(500, "kg")) == "5,00\u00a0€ / kg"
    with translation.override("en"):
        assert str(ReferencePrice(800, "l")) == "€8.00 / l"


@pytest.mark.django_db
def test_products_and_offers_use_the_same_computation():
    product = ProductFactory.build(unit="g", quantity_per_unit=Decimal(500), price_cents=250)
    assert product.reference_price == ReferencePrice(500, "kg")
    assert ProductFactory.build(unit="piece", price_cents=150).reference_price is None
