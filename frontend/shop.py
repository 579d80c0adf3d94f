"""The catalogue as a shop: product cards per farm with their basket quantity and any
refusal named next to the product, the search and category filter, the basket bar.

The basket lives in the session (``{"key": idempotency key, "lines": {offer id: units}}``
per distribution) until the order is placed; refusals of a checkout wait there too
(``basket_errors``) until the catalogue shows them next to their products."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from orders import selectors as order_selectors
from orders.services.basket import not_on_sale
from pickup import selectors
from pickup.models import Distribution
from pickup.selectors import ordering_open
from producers.models import Offer, Producer

# Stock shown on a card only when this few units are left ("Only 3 left").
LOW_STOCK = 5


@dataclass
class ProductCard:
    offer: Offer | None  # None: an offer no longer on sale (its card only shows the refusal)
    in_basket: int = 0
    error: str = ""
    shown: bool = True

    @property
    def low_stock(self) -> int:
        """Units left when few are (0 when sold out or plenty)."""
        return self.offer.remaining if 0 < self.offer.remaining <= LOW_STOCK else 0

    @property
    def orderable(self) -> bool:
        """Its stepper is shown: some left, or some in the basket to take out."""
        return self.offer.remaining > 0 or self.in_basket > 0


@dataclass
class FarmShelf:
    producer: Producer
    cards: list[ProductCard] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return any(card.shown for card in self.cards)

    @property
    def sells_by_weight(self) -> bool:
        return any(card.offer.product.sold_by_weight for card in self.cards)


def _baskets(request: HttpRequest) -> dict:
    return request.session.setdefault("baskets", {})


def session_basket(request: HttpRequest, distribution: Distribution) -> dict:
    """``{"key": idempotency key, "lines": {offer id: quantity}}`` for this distribution."""
    # Reading only: a visitor who never touched a basket gets no session row.
    stored = request.session.get("baskets", {})
    return stored.get(str(distribution.pk)) or {"key": "", "lines": {}}


def store_basket(request: HttpRequest, distribution: Distribution, lines: dict) -> None:
    """Keep ``lines`` (offer id → units, 0 dropped) as the distribution's basket."""
    baskets = _baskets(request)
    current = baskets.get(str(distribution.pk)) or {"key": "", "lines": {}}
    current["lines"] = {str(k): int(v) for k, v in lines.items() if int(v) > 0}
    if not current["key"]:
        current["key"] = uuid.uuid4().hex
    baskets[str(distribution.pk)] = current
    request.session.modified = True


def drop_basket(request: HttpRequest, distribution: Distribution) -> None:
    _baskets(request).pop(str(distribution.pk), None)
    request.session.modified = True


def basket_for(request: HttpRequest, distribution: Distribution) -> order_selectors.Basket:
    return order_selectors.basket(
        distribution=distribution, quantities=session_basket(request, distribution)["lines"]
    )


def basket_offer(distribution: Distribution, offer_id: int | None) -> Offer | None:
    """The offer on sale at ``distribution`` with this id (None when it is not)."""
    if offer_id is None:
        return None
    return selectors.catalogue_offers(distribution=distribution).filter(pk=offer_id).first()


def offer_name(offer_id: int | None) -> str:
    """The product name of any offer (to name one that left the catalogue), or ""."""
    if offer_id is None:
        return ""
    return Offer.objects.filter(pk=offer_id).values_list("product__name", flat=True).first() or ""


def gone_notices(offer_ids) -> list[str]:
    """One sentence per product that is no longer on sale, taken out of the basket."""
    names = Offer.objects.filter(pk__in=offer_ids).values_list("product__name", flat=True)
    return [
        _("%(refusal)s Your basket is updated.") % {"refusal": not_on_sale(name).message}
        for name in sorted(names)
    ]


def lower_to_stock(basket: order_selectors.Basket, short: list[dict]) -> dict[int, str]:
    """Lower ``basket``'s lines to what is left of each offer in ``short`` (``OutOfStock``'s
    ``offers``: ``{"offer": id, "remaining": units}``); per offer, what the household reads.
    Returns the messages; ``basket.quantities`` gives the lowered lines."""
    left = {int(item["offer"]): max(0, int(item.get("remaining", 0))) for item in short}
    errors = {}
    for farm in basket.farms:
        for line in farm.lines:
            if line.offer.pk not in left:
                continue
            name, units = line.offer.product.name, left[line.offer.pk]
            line.quantity = units
            if units:
                errors[line.offer.pk] = ngettext(
                    "Only %(count)d %(product)s left: your basket now holds %(count)d.",
                    "Only %(count)d %(product)s left: your basket now holds %(count)d.",
                    units,
                ) % {"count": units, "product": name}
            else:
                errors[line.offer.pk] = _(
                    "%(product)s ran out meanwhile: your basket is updated."
                ) % {"product": name}
        farm.lines = [line for line in farm.lines if line.quantity]
    basket.farms = [farm for farm in basket.farms if farm.lines]
    return errors


def keep_errors(request: HttpRequest, distribution: Distribution, errors: dict, notices: list):
    """Refusals of a checkout, shown by the next catalogue page: per offer id, and about
    products no longer in the catalogue."""
    request.session.setdefault("basket_errors", {})[str(distribution.pk)] = {
        "offers": {str(k): str(v) for k, v in errors.items()},
        "notices": [str(n) for n in notices],
    }
    request.session.modified = True


def _kept_errors(request: HttpRequest, distribution: Distribution) -> tuple[dict, list]:
    kept = request.session.get("basket_errors", {}).pop(str(distribution.pk), None)
    if kept is None:
        return {}, []
    request.session.modified = True
    return {int(k): v for k, v in kept["offers"].items()}, kept["notices"]


def shop_context(
    request: HttpRequest,
    distribution: Distribution,
    *,
    errors: dict[int, str] | None = None,
    notices: list[str] | None = None,
) -> dict:
    """Everything the catalogue page shows. ``errors`` (offer id → message) go next to their
    products; ``notices`` above the cards. Three queries with a basket, one without."""
    kept_errors, kept_notices = _kept_errors(request, distribution)
    errors = {**kept_errors, **(errors or {})}
    notices = [*kept_notices, *(notices or [])]
    groups = selectors.distribution_catalogue(distribution=distribution)
    query = request.GET.get("q", "")[:100]
    category = request.GET.get("categorie", "")
    categories = selectors.catalogue_categories(groups)
    if category not in {value for value, _label in categories}:
        category = ""
    shown = selectors.matching_offers(groups, query=query, category=category)
    basket = basket_for(request, distribution)
    quantities = basket.quantities
    shelves = [
        FarmShelf(
            group.producer,
            [
                ProductCard(
                    offer,
                    in_basket=quantities.get(offer.pk, 0),
                    error=errors.get(offer.pk, ""),
                    shown=offer.pk in shown,
                )
                for offer in group.offers
            ],
        )
        for group in groups
    ]
    return {
        "distribution": distribution,
        "point": distribution.pickup_point,
        "shelves": shelves,
        "ordering": ordering_open(distribution),
        "basket": basket,
        "basket_units": sum(quantities.values()),
        "query": query,
        "category": category,
        "categories": categories,
        "any_shown": bool(shown),
        "notices": notices,
    }
