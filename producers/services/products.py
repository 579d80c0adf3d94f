"""Writes on a farm and its products."""

from collections.abc import Sequence
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import Invalid
from common.geo import locate_later
from producers.errors import ProductHasOffers, ProductNameTaken, WeighedInKgOrG
from producers.legal import LEGAL_FIELDS, check_identity, normalise_identity
from producers.models import MAX_WEIGHT_MARGIN_BP, WEIGHT_UNITS, Producer, Product

# --- Producer -------------------------------------------------------------------------------


def _check_producer(
    *, name: str, address: str, minimum_order_cents: int, weight_margin_bp: int = 0
) -> None:
    """A farm has a name and an address; its minimum order is zero or more; its margin on
    products sold by weight from 0 to 50 % (``MAX_WEIGHT_MARGIN_BP``)."""
    errors = {}
    if not name:
        errors["name"] = [_("This field is required.")]
    if not address:
        errors["address"] = [_("This field is required.")]
    if minimum_order_cents < 0:
        errors["minimum_order_cents"] = [_("Must be zero or more.")]
    if not 0 <= weight_margin_bp <= MAX_WEIGHT_MARGIN_BP:
        errors["weight_margin_bp"] = [
            _("Enter a margin from 0 to %(most)d basis points (0 to 50 %%).")
            % {"most": MAX_WEIGHT_MARGIN_BP}
        ]
    if errors:
        raise Invalid(errors=errors)


@transaction.atomic
def create_producer(
    *,
    name: str,
    slug: str,
    address: str,
    description: str = "",
    minimum_order_cents: int = 0,
    is_active: bool = True,
    members: Sequence[User] = (),
) -> Producer:
    """An operator welcomes a farm: a name, an address and a minimum order of zero or more.
    The address is geocoded after the commit (never in the request), the position pending."""
    name, address = name.strip(), address.strip()
    _check_producer(name=name, address=address, minimum_order_cents=minimum_order_cents)
    producer = Producer.objects.create(
        name=name,
        slug=slug,
        address=address,
        description=description,
        minimum_order_cents=minimum_order_cents,
        is_active=is_active,
    )
    producer.members.set(members)
    locate_later([producer])
    return producer


@transaction.atomic
def update_producer(
    *,
    producer: Producer,
    name: str | None = None,
    description: str | None = None,
    address: str | None = None,
    minimum_order_cents: int | None = None,
    weight_margin_bp: int | None = None,
    slug: str | None = None,
    is_active: bool | None = None,
    members: Sequence[User] | None = None,
    legal_name: str | None = None,
    siret: str | None = None,
    vat_regime: str | None = None,
    vat_number: str | None = None,
) -> Producer:
    """Change a farm's public details, settings and legal identity (None = unchanged); the
    SIRET and VAT number are stored without spaces and checked (``producers.legal``): a valid
    SIRET, a valid VAT number matching its SIREN, required when liable for VAT. Operators also change
    its slug, its members and whether it is active. A name and an address stay required, the
    minimum order zero or more, the margin on products sold by weight from 0 to 5000 basis
    points (it applies to orders placed afterwards: a line keeps the margin it was placed
    with). A new address clears the position ("position pending") and queues geocoding after
    commit.
    """
    legal = {"legal_name": legal_name, "siret": siret, "vat_regime": vat_regime,
             "vat_number": vat_number}  # fmt: skip
    given = {
        "name": name.strip() if name is not None else None,
        "description": description,
        "address": address.strip() if address is not None else None,
        "minimum_order_cents": minimum_order_cents,
        "weight_margin_bp": weight_margin_bp,
        "slug": slug,
        "is_active": is_active,
        **dict.fromkeys(LEGAL_FIELDS),
        **normalise_identity(legal),
    }
    after = {f: getattr(producer, f) if value is None else value for f, value in given.items()}
    check_identity(after)
    _check_producer(
        name=after["name"],
        address=after["address"],
        minimum_order_cents=after["minimum_order_cents"],
        weight_margin_bp=after["weight_margin_bp"],
    )
    fields = [f for f in given if after[f] != getattr(producer, f)]
    for field in fields:
        setattr(producer, field, after[field])
    moved = "address" in fields
    if moved:
        producer.latitude = producer.longitude = None
        producer.location_status = Producer.LocationStatus.PENDING
        fields += ["latitude", "longitude", "location_status"]
    if fields:
        producer.save(update_fields=fields)
    if members is not None:
        producer.members.set(members)
    if moved:
        locate_later([producer])
    return producer


# --- Products -------------------------------------------------------------------------------


def _refusals(
    *,
    name: str,
    price_cents: int,
    quantity_per_unit: Decimal,
) -> dict[str, list]:
    errors = {}
    if not name:
        errors["name"] = [_("This field is required.")]
    if price_cents < 0:
        errors["price_cents"] = [_("Must be zero or more.")]
    if quantity_per_unit <= 0:
        errors["quantity_per_unit"] = [_("Must be more than zero.")]
    return errors


def _check_weighed_unit(product: Product) -> None:
    """A product sold by weight is measured in kg or g: its weight is a piece's estimate."""
    if product.sold_by_weight and product.unit not in WEIGHT_UNITS:
        raise WeighedInKgOrG(errors={"unit": [str(WeighedInKgOrG.default_message)]})


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
    sold_by_weight: bool = False,
) -> Product:
    """An unsaved product, checked against every rule of :func:`create_product` but the
    unique name, which needs the farm's other products (one query for a product, one for a
    whole CSV file). Raises :class:`Invalid` (``weighed_in_kg_or_g`` for a product sold by
    weight in another unit than kg or g)."""
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
        sold_by_weight=sold_by_weight,
    )
    errors = _refusals(
        name=product.name,
        price_cents=product.price_cents,
        quantity_per_unit=product.quantity_per_unit,
    )
    if errors:
        raise Invalid(errors=errors)
    _check_weighed_unit(product)
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
    sold_by_weight: bool = False,
) -> Product:
    """Add a product to a farm. Names are unique per farm, whatever their case. A product
    sold by weight is measured in kg or g (``quantity_per_unit`` is then a piece's estimated
    weight, ``price_cents`` its estimated price)."""
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
        sold_by_weight=sold_by_weight,
    )
    _check_name_free(producer=producer, name=product.name)
    try:
        with transaction.atomic():
            product.save(force_insert=True)
    except IntegrityError:  # lost a race with the same name
        raise _name_taken() from None
    return product


# What a farm may change on a product (``update_product``'s arguments).
PRODUCT_FIELDS = (
    "name",
    "category",
    "unit",
    "quantity_per_unit",
    "price_cents",
    "vat_rate",
    "is_organic",
    "description",
    "is_active",
    "sold_by_weight",
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
    sold_by_weight: bool | None = None,
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
        "sold_by_weight": sold_by_weight,
    }
    changed = [
        f for f in PRODUCT_FIELDS if given[f] is not None and given[f] != getattr(product, f)
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
    _check_weighed_unit(product)
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
    sold_by_weight: bool | None = None,
) -> Product:
    """Change a product (None = unchanged). Offers keep their own price: a new product price
    is only the default for offers created afterwards. Selling it by weight, or not, applies
    to orders placed afterwards (a line keeps how it was sold); either way a product sold by
    weight stays in kg or g."""
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
        sold_by_weight=sold_by_weight,
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
