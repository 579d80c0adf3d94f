"""CSV imports of products and offers, all or nothing, under the same rules as the forms.

A file of 5,000 rows is checked in memory against what one query read, then written at once:
new rows with ``bulk_create``, changed rows with ``common.db.update_rows``. The number of
queries does not grow with the rows, and nothing is written unless every row is good.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from common.db import update_rows
from common.errors import DomainError, Invalid
from producers import csv_io
from producers.errors import (
    CsvInvalid,
    OfferExists,
    ProductNameTaken,
    ProductUnavailable,
    StockBelowTaken,
)
from producers.models import Catalogue, Offer, Producer, Product
from producers.services.catalogues import build_offer, change_locked_offer
from producers.services.products import build_product, change_product


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def _row_errors(line: int, error: DomainError, columns: dict[str, str]) -> list[csv_io.RowError]:
    fields = error.extra.get("errors")
    if isinstance(fields, dict):
        return [
            csv_io.RowError(line, columns.get(field, field), str(message))
            for field, messages in fields.items()
            for message in (messages if isinstance(messages, list) else [messages])
        ]
    return [csv_io.RowError(line, "", str(error.message))]


def _refuse(errors: list[csv_io.RowError]) -> CsvInvalid:
    return CsvInvalid(errors=[e.as_dict() for e in sorted(errors)])


@transaction.atomic
def import_products_csv(*, producer: Producer, data: bytes) -> ImportResult:
    """Create or update products from a CSV file (matched by name, whatever its case), with
    the rules of ``create_product`` and ``update_product``.

    All or nothing: every row is checked and if any row is bad nothing is written and
    :class:`CsvInvalid` lists every bad row with its line, column and reason. One query reads
    the farm's products; new ones are inserted and changed ones updated in bulk.
    """
    rows, errors = csv_io.parse_products(data)
    existing = {p.name.lower(): p for p in producer.products.all()}
    new: dict[int, Product] = {}  # line -> product
    changed: list[Product] = []
    fields: set[str] = set()
    updated = 0
    for row in rows:
        product = existing.get(row.values["name"].lower())
        try:
            if product is None:
                new[row.line] = build_product(producer=producer, **row.values)
            else:
                changes = change_product(product=product, **row.values)
                updated += 1
                if changes:
                    changed.append(product)
                    fields.update(changes)
        except Invalid as exc:
            errors.extend(_row_errors(row.line, exc, csv_io.PRODUCT_FIELD_COLUMNS))
    if errors:
        raise _refuse(errors)
    update_rows(changed, sorted(fields))
    if new:
        _insert_products(new)
    return ImportResult(created=len(new), updated=updated)


def _insert_products(new: dict[int, Product]) -> None:
    try:
        with transaction.atomic():
            Product.objects.bulk_create(new.values())
    except IntegrityError:  # another import or a form took one of the names meanwhile
        producer = next(iter(new.values())).producer
        taken = {name.lower() for name in producer.products.values_list("name", flat=True)}
        message = str(ProductNameTaken.default_message)
        conflicts = [
            csv_io.RowError(line, "name", message)
            for line, product in new.items()
            if product.name.lower() in taken
        ]
        if not conflicts:
            raise
        raise _refuse(conflicts) from None


@transaction.atomic
def import_offers_csv(*, catalogue: Catalogue, data: bytes) -> ImportResult:
    """Add or update offers of a catalogue from a CSV file (product matched by name), with the
    rules of ``add_offer`` and ``update_offer``.

    Offers not in the file stay as they are. Stock is never set below what orders have taken:
    the catalogue's offers are read locked (``FOR NO KEY UPDATE``, in primary-key order, as
    orders take them), so no sale lands between the check and the write. All or nothing, like
    :func:`import_products_csv`.
    """
    rows, errors = csv_io.parse_offers(data)
    products = {p.name.lower(): p for p in catalogue.producer.products.all()}
    offers = {
        o.product_id: o
        for o in Offer.objects.filter(catalogue=catalogue)
        .select_for_update(no_key=True)
        .order_by("pk")
    }
    new: dict[int, Offer] = {}  # line -> offer
    changed: list[Offer] = []
    updated = 0
    for row in rows:
        product = products.get(row.values["product"].lower())
        if product is None:
            errors.append(
                csv_io.RowError(
                    row.line,
                    "product",
                    _("Unknown product “%(name)s”: create it first.")
                    % {"name": row.values["product"]},
                )
            )
            continue
        quantity, price_cents = row.values["quantity"], row.values.get("price_cents")
        try:
            offer = offers.get(product.pk)
            if offer is None:
                new[row.line] = build_offer(
                    catalogue=catalogue, product=product, quantity=quantity, price_cents=price_cents
                )
            else:
                offer.product = product
                before = (offer.price_cents, offer.quantity)
                change_locked_offer(offer=offer, quantity=quantity, price_cents=price_cents)
                updated += 1
                if (offer.price_cents, offer.quantity) != before:
                    changed.append(offer)
        except StockBelowTaken as exc:
            errors.append(csv_io.RowError(row.line, "stock", str(exc.message)))
        except (Invalid, ProductUnavailable) as exc:
            errors.extend(_row_errors(row.line, exc, csv_io.OFFER_FIELD_COLUMNS))
    if errors:
        raise _refuse(errors)
    update_rows(changed, ["price_cents", "quantity", "remaining"])
    if new:
        _insert_offers(catalogue, new)
    return ImportResult(created=len(new), updated=updated)


def _insert_offers(catalogue: Catalogue, new: dict[int, Offer]) -> None:
    try:
        with transaction.atomic():
            Offer.objects.bulk_create(new.values())
    except IntegrityError:  # the same product added meanwhile (a form, copy last week)
        present = set(catalogue.offers.values_list("product_id", flat=True))
        conflicts = [
            csv_io.RowError(line, "product", str(OfferExists.default_message))
            for line, offer in new.items()
            if offer.product_id in present
        ]
        if not conflicts:
            raise
        raise _refuse(conflicts) from None
