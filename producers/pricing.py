"""The unit price shown next to every price (EU rule: price per kg or per litre).

Computed here and only here; pages, API and CSV all go through :func:`reference_price`.
"""

from decimal import Decimal
from typing import NamedTuple

from django.utils.translation import gettext as _

from common.money import format_eur, round_cents

# How many kg (or litres) one unit of measure is.
_PER_KG = {"kg": Decimal(1), "g": Decimal("0.001")}
_PER_LITRE = {"l": Decimal(1), "cl": Decimal("0.01"), "ml": Decimal("0.001")}


class ReferencePrice(NamedTuple):
    cents: int
    per: str  # "kg" or "l"

    def __str__(self) -> str:
        if self.per == "kg":
            return _("%(price)s / kg") % {"price": format_eur(self.cents)}
        return _("%(price)s / l") % {"price": format_eur(self.cents)}


def reference_price(
    *, price_cents: int, unit: str, quantity_per_unit: Decimal | int | str
) -> ReferencePrice | None:
    """Price per kg or per litre of a unit sold by weight or volume; None for pieces, bunches...

    500 g at 2,50 € → 5,00 €/kg; 75 cl at 6,00 € → 8,00 €/l; a piece → None.
    """
    quantity = Decimal(quantity_per_unit)
    if quantity <= 0:
        return None
    if unit in _PER_KG:
        return ReferencePrice(round_cents(price_cents / (quantity * _PER_KG[unit])), "kg")
    if unit in _PER_LITRE:
        return ReferencePrice(round_cents(price_cents / (quantity * _PER_LITRE[unit])), "l")
    return None
