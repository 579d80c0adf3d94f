"""Products sold by weight (a cheese, a joint of meat, vegetables by the kg).

The catalogue shows a piece's estimated weight and price (``Product.quantity_per_unit`` in kg
or g, ``price_cents``). An order line keeps that estimate (``OrderLine.estimated_weight_g``,
``unit_price_cents``) and the farm's margin (``margin_bp``, from ``Producer.weight_margin_bp``);
paying asks the card for the estimate plus the margin (``Order.margin_cents``). The farm then
weighs the line (``orders.services.weighing``): it costs its real weight at the estimate's
price per kg, rounded once, and never more than the estimate plus the margin — so what is
captured is never above what was authorised. A line never weighed by the handover costs its
estimate."""

from __future__ import annotations

from decimal import Decimal

from common.money import round_cents


def price_at_weight(
    *, unit_price_cents: int, estimated_weight_g: int, weight_g: int, most_cents: int
) -> int:
    """The price of ``weight_g`` grams at the price per gram of the estimate (a piece of
    ``estimated_weight_g`` grams at ``unit_price_cents``), rounded once, at most
    ``most_cents``."""
    exact = Decimal(unit_price_cents) * Decimal(weight_g) / Decimal(estimated_weight_g)
    return min(round_cents(exact), most_cents)


def price_per_kg_cents(*, unit_price_cents: int, estimated_weight_g: int) -> int:
    """The estimate's price per kg, rounded once (for display)."""
    return round_cents(Decimal(unit_price_cents) * 1000 / Decimal(estimated_weight_g))


def margin_of(lines) -> int:
    """What an order's lines need authorised beyond their cost (see ``OrderLine.margin_cents``)."""
    return sum(line.margin_cents for line in lines)
