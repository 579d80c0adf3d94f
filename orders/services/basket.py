"""The basket before the order: how many units of an offer a household may put in it.

Nothing is reserved until :func:`orders.services.place_order`; these rules spare the
household a refusal at checkout and name the product concerned."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.errors import Invalid
from orders.services.placing import MAX_QUANTITY
from producers.models import Offer

WHOLE_NUMBER = re.compile(r"\s*\d+\s*")


def not_on_sale(name: str = "") -> Invalid:
    """An offer that is not (or no longer) on sale at the distribution."""
    if name:
        message = _("%(product)s is no longer on sale.") % {"product": name}
    else:
        message = _("This product is not on sale at this distribution.")
    return Invalid(message, errors={"offer": [message]})


def short_message(*, name: str, remaining: int) -> str:
    """What the household reads when it asks for more than is left."""
    if remaining <= 0:
        return _("No %(product)s left.") % {"product": name}
    return ngettext(
        "Only %(count)d %(product)s left.", "Only %(count)d %(product)s left.", remaining
    ) % {"count": remaining, "product": name}


def basket_quantity(*, offer: Offer, quantity: str) -> int:
    """The units of ``offer`` (on sale at the distribution) the basket may hold, from what the
    household typed: a whole number from 0 (out of the basket) to what is left, at most
    :data:`MAX_QUANTITY`. Anything else is ``invalid``, its message naming the product."""
    name = offer.product.name
    most = min(MAX_QUANTITY, max(offer.remaining, 0))
    if not WHOLE_NUMBER.fullmatch(quantity or "0"):
        message = _("Enter a whole number from 0 to %(max)d.") % {"max": most}
        raise Invalid(message, errors={"quantity": [message]}, offer=offer.pk)
    units = int(quantity or 0)
    if units > offer.remaining:
        message = short_message(name=name, remaining=offer.remaining)
        raise Invalid(message, errors={"quantity": [message]}, offer=offer.pk)
    if units > most:
        message = _("Enter a whole number from 0 to %(max)d.") % {"max": most}
        raise Invalid(message, errors={"quantity": [message]}, offer=offer.pk)
    return units
