"""Writes on weekly catalogues and their offers (stock)."""

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import Invalid, NotFound
from producers.errors import (
    CatalogueEmpty,
    CatalogueExists,
    NoPreviousCatalogue,
    OfferExists,
    OfferHasOrders,
    ProductUnavailable,
    StockBelowTaken,
    WeekInPast,
)
from producers.models import Catalogue, Offer, Producer, Product
from producers.selectors import products_to_offer
from producers.weeks import current_week, monday_of

# --- Catalogues -----------------------------------------------------------------------------


def _open_week(week: date) -> date:
    week = monday_of(week)
    if week < current_week():
        raise WeekInPast(errors={"week": [str(WeekInPast.default_message)]})
    return week


@transaction.atomic
def create_catalogue(*, producer: Producer, week: date) -> Catalogue:
    """Start a draft catalogue for the ISO week containing ``week`` (this week or later),
    one per producer and week."""
    week = _open_week(week)
    if producer.catalogues.filter(week=week).exists():
        raise CatalogueExists()
    try:
        with transaction.atomic():
            return Catalogue.objects.create(producer=producer, week=week)
    except IntegrityError:
        raise CatalogueExists() from None


@transaction.atomic
def publish_catalogue(*, catalogue: Catalogue) -> Catalogue:
    """Draft → published (households can order from it). Needs at least one offer; publishing
    a published catalogue changes nothing. Locks the catalogue row."""
    locked = Catalogue.objects.select_for_update().get(pk=catalogue.pk)
    if locked.status != Catalogue.Status.PUBLISHED:
        if not locked.offers.exists():
            raise CatalogueEmpty()
        locked.status = Catalogue.Status.PUBLISHED
        locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_at"])
    catalogue.status, catalogue.published_at = locked.status, locked.published_at
    return catalogue


@dataclass(frozen=True)
class CopyResult:
    catalogue: Catalogue
    copied: int
    source: Catalogue


@transaction.atomic
def copy_last_week(*, producer: Producer, week: date) -> CopyResult:
    """Pre-fill the catalogue of ``week`` from the latest earlier catalogue of the same farm.

    The target is created as a draft if needed. Each offer of the source whose product is still
    active and not yet in the target is copied with its price and its full stock (nothing taken).
    Offers already in the target are left as they are, so running it twice copies nothing more.
    """
    week = _open_week(week)
    source = producer.catalogues.filter(week__lt=week).order_by("-week").first()
    if source is None:
        raise NoPreviousCatalogue()
    target, _created = Catalogue.objects.get_or_create(producer=producer, week=week)
    addable = set(products_to_offer(catalogue=target).values_list("pk", flat=True))
    copies = [
        Offer(
            catalogue=target,
            product_id=offer.product_id,
            price_cents=offer.price_cents,
            quantity=offer.quantity,
            remaining=offer.quantity,
        )
        for offer in source.offers.order_by("pk")
        if offer.product_id in addable
    ]
    Offer.objects.bulk_create(copies)
    return CopyResult(catalogue=target, copied=len(copies), source=source)


# --- Offers ---------------------------------------------------------------------------------


def _check_quantity(quantity: int) -> None:
    if quantity < 0:
        raise Invalid(errors={"quantity": [_("Must be zero or more.")]})


def _check_price(price_cents: int) -> None:
    if price_cents < 0:
        raise Invalid(errors={"price_cents": [_("Must be zero or more.")]})


def build_offer(
    *, catalogue: Catalogue, product: Product, quantity: int, price_cents: int | None = None
) -> Offer:
    """An unsaved offer, checked against every rule of :func:`add_offer` but "once per
    catalogue", which needs the catalogue's offers (one query for an offer, one for a whole
    CSV file). Raises :class:`ProductUnavailable` or :class:`Invalid`."""
    if product.producer_id != catalogue.producer_id or not product.is_active:
        raise ProductUnavailable(errors={"product": [str(ProductUnavailable.default_message)]})
    _check_quantity(quantity)
    price = product.price_cents if price_cents is None else price_cents
    _check_price(price)
    return Offer(
        catalogue=catalogue,
        product=product,
        price_cents=price,
        quantity=quantity,
        remaining=quantity,
    )


@transaction.atomic
def add_offer(
    *, catalogue: Catalogue, product: Product, quantity: int, price_cents: int | None = None
) -> Offer:
    """Offer one of the farm's active products in its catalogue, at the product's price unless
    another is given, with ``quantity`` in stock. A product appears once per catalogue."""
    offer = build_offer(
        catalogue=catalogue, product=product, quantity=quantity, price_cents=price_cents
    )
    if catalogue.offers.filter(product=product).exists():
        raise OfferExists(product=product.name)
    try:
        with transaction.atomic():
            offer.save(force_insert=True)
    except IntegrityError:
        raise OfferExists(product=product.name) from None
    return offer


def _stock_below_taken(offer: Offer) -> StockBelowTaken:
    taken = offer.quantity - offer.remaining
    return StockBelowTaken(
        _(
            "The stock of “%(product)s” cannot be lower than %(taken)d: "
            "orders have already taken %(taken)d."
        )
        % {"product": offer.product.name, "taken": taken},
        product=offer.product.name,
        taken=taken,
        offer=offer.pk,
        errors={
            "quantity": [_("At least %(taken)d (already taken by orders).") % {"taken": taken}]
        },
    )


def change_locked_offer(
    *, offer: Offer, quantity: int | None = None, price_cents: int | None = None
) -> None:
    """Set the price and/or stock of an offer whose row the caller has locked (None =
    unchanged), as :func:`update_offer` does: the stock never below what orders have taken,
    ``remaining`` moved by the same amount. Saves nothing; ``offer.product`` names it in a
    refusal."""
    if price_cents is not None:
        _check_price(price_cents)
    if quantity is not None:
        _check_quantity(quantity)
        taken = offer.quantity - offer.remaining
        if quantity < taken:
            raise _stock_below_taken(offer)
    if price_cents is not None:
        offer.price_cents = price_cents
    if quantity is not None:
        offer.quantity, offer.remaining = quantity, quantity - taken


@transaction.atomic
def set_offer_stock(*, offer: Offer, quantity: int) -> Offer:
    """Set an offer's stock, published or not, never below what orders have already taken.

    One conditional UPDATE checks and writes at once (``taken <= quantity``, and
    ``remaining = quantity - taken``), so a sale landing at the same moment is either counted
    in the check or waits for the write: ``0 <= remaining <= quantity`` always holds.
    """
    _check_quantity(quantity)
    written = Offer.objects.filter(pk=offer.pk, quantity__lte=F("remaining") + quantity).update(
        quantity=quantity, remaining=F("remaining") + quantity - F("quantity")
    )
    current = Offer.objects.select_related("product").filter(pk=offer.pk).first()
    if current is None:
        raise NotFound()
    if not written:
        raise _stock_below_taken(current)
    offer.quantity, offer.remaining = current.quantity, current.remaining
    return offer


@transaction.atomic
def update_offer(
    *, offer: Offer, quantity: int | None = None, price_cents: int | None = None
) -> Offer:
    """Change an offer's price and/or stock (None = unchanged); stock as in set_offer_stock.
    Orders already placed keep the price they were placed at."""
    if price_cents is not None:
        _check_price(price_cents)
        Offer.objects.filter(pk=offer.pk).update(price_cents=price_cents)
        offer.price_cents = price_cents
    if quantity is not None:
        set_offer_stock(offer=offer, quantity=quantity)
    return offer


@transaction.atomic
def delete_offer(*, offer: Offer) -> None:
    """Withdraw an offer nobody has ordered from (conditional DELETE: nothing taken)."""
    try:
        deleted, _rows = Offer.objects.filter(pk=offer.pk, remaining=F("quantity")).delete()
    except ProtectedError:
        deleted = 0
    if not deleted:
        raise OfferHasOrders(product=offer.product.name)
