"""CSV imports of products and offers, all or nothing, through the same services."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import Invalid
from producers import csv_io
from producers.errors import (
    CsvInvalid,
    OfferExists,
    ProductNameTaken,
    ProductUnavailable,
    StockBelowTaken,
)
from producers.models import Catalogue, Producer
from producers.services.catalogues import add_offer, update_offer
from producers.services.products import create_product, update_product

# --- CSV imports (all or nothing) -----------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def _row_errors(line: int, error, columns: dict[str, str]) -> list[csv_io.RowError]:
    fields = error.extra.get("errors")
    if isinstance(fields, dict):
        return [
            csv_io.RowError(line, columns.get(field, field), str(message))
            for field, messages in fields.items()
            for message in (messages if isinstance(messages, list) else [messages])
        ]
    return [csv_io.RowError(line, "", str(error.message))]


@transaction.atomic
def import_products_csv(*, producer: Producer, data: bytes) -> ImportResult:
    """Create or update products from a CSV file (matched by name, whatever its case).

    All or nothing: every row is checked (and tried) and if any row is bad nothing is written
    and :class:`CsvInvalid` lists every bad row with its line, column and reason.
    """
    rows, errors = csv_io.parse_products(data)
    existing = {p.name.lower(): p for p in producer.products.all()}
    created = updated = 0
    for row in rows:
        try:
            with transaction.atomic():
                product = existing.get(row.values["name"].lower())
                if product is None:
                    existing[row.values["name"].lower()] = create_product(
                        producer=producer, **row.values
                    )
                    created += 1
                else:
                    update_product(product=product, **row.values)
                    updated += 1
        except (Invalid, ProductNameTaken) as exc:
            errors.extend(_row_errors(row.line, exc, csv_io.PRODUCT_FIELD_COLUMNS))
    if errors:
        raise CsvInvalid(errors=[e.as_dict() for e in sorted(errors)])
    return ImportResult(created=created, updated=updated)


@transaction.atomic
def import_offers_csv(*, catalogue: Catalogue, data: bytes) -> ImportResult:
    """Add or update offers of a catalogue from a CSV file (product matched by name).

    Offers not in the file stay as they are. Stock follows set_offer_stock (never below what
    is taken). All or nothing, like :func:`import_products_csv`.
    """
    rows, errors = csv_io.parse_offers(data)
    products = {p.name.lower(): p for p in catalogue.producer.products.all()}
    offers = {o.product.name.lower(): o for o in catalogue.offers.select_related("product")}
    created = updated = 0
    for row in rows:
        key = row.values["product"].lower()
        product = products.get(key)
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
        try:
            with transaction.atomic():
                if key in offers:
                    update_offer(
                        offer=offers[key],
                        quantity=row.values["quantity"],
                        price_cents=row.values.get("price_cents"),
                    )
                    updated += 1
                else:
                    offers[key] = add_offer(
                        catalogue=catalogue,
                        product=product,
                        quantity=row.values["quantity"],
                        price_cents=row.values.get("price_cents"),
                    )
                    created += 1
        except (Invalid, ProductUnavailable, StockBelowTaken, OfferExists) as exc:
            if isinstance(exc, StockBelowTaken):
                errors.append(csv_io.RowError(row.line, "stock", str(exc.message)))
            else:
                errors.extend(_row_errors(row.line, exc, csv_io.OFFER_FIELD_COLUMNS))
    if errors:
        raise CsvInvalid(errors=[e.as_dict() for e in sorted(errors)])
    return ImportResult(created=created, updated=updated)
