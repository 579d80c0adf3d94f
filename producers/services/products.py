"""Writes on a farm and its products."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from common.errors import Invalid
from common.geo import locate_later
from producers.errors import ProductHasOffers, ProductNameTaken
from producers.models import Producer, Product

# --- Producer -------------------------------------------------------------------------------


@transaction.atomic
def update_producer(
    *,
    producer: Producer,
    name: str | None = None,
    description: str | None = None,
    address: str | None = None,
    minimum_order_cents: int | None = None,
) -> Producer:
    """Change a farm's public details (None = unchanged).

    A new address clears the position ("position pending") and queues geocoding after commit.
    """
    fields = []
    if name is not None and name.strip() != producer.name:
        if not name.strip():
            raise Invalid(errors={"name": [_("This field is required.")]})
        producer.name = name.strip()
        fields.append("name")
    if description is not None and description != producer.description:
        producer.description = description
        fields.append("description")
    if minimum_order_cents is not None and minimum_order_cents != producer.minimum_order_cents:
        if minimum_order_cents < 0:
            raise Invalid(errors={"minimum_order_cents": [_("Must be zero or more.")]})
        producer.minimum_order_cents = minimum_order_cents
        fields.append("minimum_order_cents")
    moved = address is not None and address.strip() != producer.address
    if moved:
        if not address.strip():
            raise Invalid(errors={"address": [_("This field is required.")]})
        producer.address = address.strip()
        producer.latitude = producer.longitude = None
        producer.location_status = Producer.LocationStatus.PENDING
        fields += ["address", "latitude", "longitude", "location_status"]
    if fields:
        producer.save(update_fields=fields)
    if moved:
        locate_later([producer])
    return producer


# --- Products -------------------------------------------------------------------------------


def _refusals(*, name: str, price_cents: int, quantity_per_unit: Decimal) -> dict[str, list]:
    errors = {}
    if not name:
        errors["name"] = [_("This field is required.")]
    if price_cents < 0:
        errors["price_cents"] = [_("Must be zero or more.")]
    if quantity_per_unit <= 0:
        errors["quantity_per_unit"] = [_("Must be more than zero.")]
    return errors


def _name_taken() -> ProductNameTaken:
    return ProductNameTaken(errors={"name": [str(ProductNameTaken.default_message)]})


def _check_name_free(*, producer: Producer, name: str, pk=None) -> None:
    if producer.products.filter(name__iexact=name).exclude(pk=pk).exists():
        raise _name_taken()


def build_product(
    *,
    producer: Producer,
    name: str,
    category: str,
    unit: str,
    price_cents: int,
    quantity_per_unit: Decimal = Decimal(1),
    vat_rate: int = Product.VatRate.REDUCED,
    is_organic: bool = False,
    description: str = "",
    is_active: bool = True,
) -> Product:
    """An unsaved product, checked against every rule of :func:`create_product` but the
    unique name, which needs the farm's other products (one query for a product, one for a
    whole CSV file). Raises :class:`Invalid`."""
    product = Product(
        producer=producer,
        name=name.strip(),
        category=category,
        unit=unit,
        quantity_per_unit=Decimal(quantity_per_unit),
        price_cents=price_cents,
        vat_rate=vat_rate,
        is_organic=is_organic,
        description=description,
        is_active=is_active,
    )
    errors = _refusals(
        name=product.name,
        price_cents=product.price_cents,
        quantity_per_unit=product.quantity_per_unit,
    )
    if errors:
        raise Invalid(errors=errors)
    return product


@transaction.atomic
def create_product(
    *,
    producer: Producer,
    name: str,
    category: str,
    unit: str,
    price_cents: int,
    quantity_per_unit: Decimal = Decimal(1),
    vat_rate: int = Product.VatRate.REDUCED,
    is_organic: bool = False,
    description: str = "",
    is_active: bool = True,
) -> Product:
    """Add a product to a farm. Names are unique per farm, whatever their case."""
    product = build_product(
        producer=producer,
        name=name,
        category=category,
        unit=unit,
        price_cents=price_cents,
        quantity_per_unit=quantity_per_unit,
        vat_rate=vat_rate,
        is_organic=is_organic,
        description=description,
        is_active=is_active,
    )
    _check_name_free(producer=producer, name=product.name)
    try:
        with transaction.atomic():
            product.save(force_insert=True)
    except IntegrityError:  # lost a race with the same name
        raise _name_taken() from None
    return product


_PRODUCT_FIELDS = (
    "name",
    "category",
    "unit",
    "quantity_per_unit",
    "price_cents",
    "vat_rate",
    "is_organic",
    "description",
    "is_active",
)


def change_product(
    *,
    product: Product,
    name: str | None = None,
    category: str | None = None,
    unit: str | None = None,
    quantity_per_unit: Decimal | None = None,
    price_cents: int | None = None,
    vat_rate: int | None = None,
    is_organic: bool | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> list[str]:
    """Set the given values on ``product`` (None = unchanged) and return the fields that
    changed, checked like :func:`build_product` (the unique name is the caller's). Saves
    nothing; raises :class:`Invalid`."""
    given = {
        "name": name.strip() if name is not None else None,
        "category": category,
        "unit": unit,
        "quantity_per_unit": Decimal(quantity_per_unit) if quantity_per_unit is not None else None,
        "price_cents": price_cents,
        "vat_rate": vat_rate,
        "is_organic": is_organic,
        "description": description,
        "is_active": is_active,
    }
    changed = [
        f for f in _PRODUCT_FIELDS if given[f] is not None and given[f] != getattr(product, f)
    ]
    for field in changed:
        setattr(product, field, given[field])
    errors = _refusals(
        name=product.name,
        price_cents=product.price_cents,
        quantity_per_unit=Decimal(product.quantity_per_unit),
    )
    if errors:
        raise Invalid(errors=errors)
    return changed


@transaction.atomic
def update_product(
    *,
    product: Product,
    name: str | None = None,
    category: str | None = None,
    unit: str | None = None,
    quantity_per_unit: Decimal | None = None,
    price_cents: int | None = None,
    vat_rate: int | None = None,
    is_organic: bool | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> Product:
    """Change a product (None = unchanged). Offers keep their own price: a new product price
    is only the default for offers created afterwards."""
    changed = change_product(
        product=product,
        name=name,
        category=category,
        unit=unit,
        quantity_per_unit=quantity_per_unit,
        price_cents=price_cents,
        vat_rate=vat_rate,
        is_organic=is_organic,
        description=description,
        is_active=is_active,
    )
    _check_name_free(producer=product.producer, name=product.name, pk=product.pk)
    if changed:
        try:
            with transaction.atomic():
                product.save(update_fields=changed)
        except IntegrityError:
            raise _name_taken() from None
    return product


@transaction.atomic
def delete_product(*, product: Product) -> None:
    """Delete a product that never appeared in a catalogue; otherwise refuse (deactivate it)."""
    if product.offers.exists():
        raise ProductHasOffers(product=product.name)
    try:
        product.delete()
    except ProtectedError:
        raise ProductHasOffers(product=product.name) from None
