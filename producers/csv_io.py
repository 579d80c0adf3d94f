"""CSV files of products and offers: writing them, and reading them into checked rows.

Files are written for French Excel (see ``docs/french.md``): UTF-8 with the BOM, separated by
``;``, headers and values in the language of the page (``nom;catégorie;unité…``, ``légumes``,
``botte``, ``oui``), prices ``3,50`` and quantities ``0,5``. They are read back in either
language, with ``;`` or ``,``, with or without the BOM, the column codes of older files
(``name;category;unit…``) and prices as ``3,50``, ``3.50`` or ``3,50 €``. Files are
written by ``common.csv`` (a cell that would run as a formula gets a protective quote) and the
quote is dropped when read back, so an export imports back unchanged. A cell holding a control
character (NUL, the other C0 controls but tab and line breaks, DEL, C1) is a bad cell. Reading
never writes: the import services in ``producers.services`` do, all or nothing.
"""

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from common.csv import control_character, csv_bool, csv_decimal, csv_text, restore
from common.money import csv_euros
from producers.models import Offer, Product

MAX_BYTES = 2_000_000
MAX_ROWS = 5_000
TOO_LARGE = gettext_lazy("The file is too large (2 MB at most).")

PRODUCT_COLUMNS = [
    "name",
    "category",
    "unit",
    "quantity_per_unit",
    "price",
    "vat_rate",
    "organic",
    "description",
    "active",
]
# Written for information, ignored when read back.
PRODUCT_EXTRA_COLUMNS = ["reference_price"]
OFFER_COLUMNS = ["product", "price", "stock"]
OFFER_EXTRA_COLUMNS = ["unit", "quantity_per_unit", "taken", "remaining"]

# What the header of an exported file says for each column code, in the page's language.
COLUMN_LABELS = {
    "name": pgettext_lazy("CSV column", "name"),
    "category": pgettext_lazy("CSV column", "category"),
    "unit": pgettext_lazy("CSV column", "unit"),
    "quantity_per_unit": pgettext_lazy("CSV column", "quantity per unit"),
    "price": pgettext_lazy("CSV column", "price"),
    "vat_rate": pgettext_lazy("CSV column", "VAT rate"),
    "organic": pgettext_lazy("CSV column", "organic"),
    "description": pgettext_lazy("CSV column", "description"),
    "active": pgettext_lazy("CSV column", "active"),
    "reference_price": pgettext_lazy("CSV column", "reference price"),
    "product": pgettext_lazy("CSV column", "product"),
    "stock": pgettext_lazy("CSV column", "stock"),
    "taken": pgettext_lazy("CSV column", "taken"),
    "remaining": pgettext_lazy("CSV column", "remaining"),
}

# Service field → CSV column, to place a service's refusal on the right column.
PRODUCT_FIELD_COLUMNS = {
    "price_cents": "price",
    "is_organic": "organic",
    "is_active": "active",
}
OFFER_FIELD_COLUMNS = {"price_cents": "price", "quantity": "stock"}

# French headers people type by hand.
HEADER_ALIASES = {
    "nom": "name",
    "categorie": "category",
    "unite": "unit",
    "quantite_par_unite": "quantity_per_unit",
    "quantite": "quantity_per_unit",
    "prix": "price",
    "tva": "vat_rate",
    "taux_de_tva": "vat_rate",
    "bio": "organic",
    "actif": "active",
    "produit": "product",
}
UNIT_ALIASES = {
    "piece": "piece",
    "pieces": "piece",
    "pc": "piece",
    "litre": "l",
    "litres": "l",
    "botte": "bunch",
    "bouquet": "bunch",
    "barquette": "box",
    "boite": "box",
    "caisse": "box",
    "pot": "jar",
    "bocal": "jar",
    "douzaine": "dozen",
}
CATEGORY_ALIASES = {
    "legumes": "vegetables",
    "legume": "vegetables",
    "fruits": "fruit",
    "fromage": "dairy",
    "fromages": "dairy",
    "laitier": "dairy",
    "produits_laitiers": "dairy",
    "pain": "bread",
    "pains": "bread",
    "boulangerie": "bread",
    "viande": "meat",
    "volaille": "meat",
    "oeufs": "eggs",
    "miel": "honey",
    "boissons": "drinks",
    "boisson": "drinks",
    "epicerie": "grocery",
    "panier": "basket",
    "autre": "other",
}
TRUE_WORDS = {"oui", "yes", "true", "vrai", "1", "x"}
FALSE_WORDS = {"non", "no", "false", "faux", "0"}


@dataclass(frozen=True, order=True)
class RowError:
    line: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass
class Row:
    line: int
    values: dict[str, Any] = field(default_factory=dict)


def _key(text: str) -> str:
    """Case, accents, ligatures and punctuation folded: ``Œufs, frais`` → ``oeufs_frais``."""
    text = (text or "").replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "_".join(re.findall(r"[a-z0-9]+", text))


# --- Writing --------------------------------------------------------------------------------


def format_cents(cents: int) -> str:
    """``350`` → ``3,50`` (no currency sign, French decimal comma)."""
    return csv_euros(cents)


def _write(columns: list[str], rows: Iterable[list[Any]]) -> str:
    return csv_text([str(COLUMN_LABELS[column]) for column in columns], rows)


def products_csv(products: Iterable[Product]) -> str:
    return _write(
        PRODUCT_COLUMNS + PRODUCT_EXTRA_COLUMNS,
        (
            [
                p.name,
                p.get_category_display(),
                p.get_unit_display(),
                csv_decimal(p.quantity_per_unit),
                format_cents(p.price_cents),
                csv_decimal(Decimal(p.vat_rate) / 100),
                csv_bool(p.is_organic),
                p.description,
                csv_bool(p.is_active),
                str(p.reference_price or ""),
            ]
            for p in products
        ),
    )


def offers_csv(offers: Iterable[Offer]) -> str:
    """Offers with their product (select_related) — stock, and what orders took for reference."""
    return _write(
        OFFER_COLUMNS + OFFER_EXTRA_COLUMNS,
        (
            [
                o.product.name,
                format_cents(o.price_cents),
                o.quantity,
                o.product.get_unit_display(),
                csv_decimal(o.product.quantity_per_unit),
                o.taken,
                o.remaining,
            ]
            for o in offers
        ),
    )


# --- Reading values -------------------------------------------------------------------------


def parse_cents(text: str) -> int:
    """``3,50`` / ``3.50`` / ``3,5`` / ``3`` / ``3,50 €`` / ``1 234,50`` → cents."""
    cleaned = re.sub(r"[\s\u00a0\u202f€]", "", text or "").replace(",", ".")
    if not re.fullmatch(r"\d{1,6}(\.\d{1,2})?", cleaned):
        raise ValueError(_("Enter a price in euros such as 3,50."))
    return int(Decimal(cleaned) * 100)


def parse_quantity(text: str) -> Decimal:
    cleaned = (text or "").strip().replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(_("Enter a number such as 0,5.")) from None
    if not value.is_finite() or value <= 0 or value.as_tuple().exponent < -3 or value >= 100_000:
        raise ValueError(_("Enter a number more than zero, with at most 3 decimals."))
    return value


def parse_stock(text: str) -> int:
    cleaned = (text or "").strip()
    if not cleaned.isdigit() or int(cleaned) > 1_000_000:
        raise ValueError(_("Enter a whole number, zero or more."))
    return int(cleaned)


def parse_vat(text: str) -> int:
    cleaned = re.sub(r"[\s%]", "", text or "").replace(",", ".")
    try:
        basis_points = int(Decimal(cleaned) * 100)
    except InvalidOperation:
        basis_points = None
    if basis_points not in Product.VatRate.values:
        raise ValueError(_("VAT rate must be 5,5, 10 or 20."))
    return basis_points


def parse_bool(text: str) -> bool:
    cleaned = _key(text)
    if cleaned in TRUE_WORDS:
        return True
    if cleaned in FALSE_WORDS:
        return False
    raise ValueError(_("Write “oui” or “non”."))


def _choice_parser(choices, aliases: dict[str, str], message: str) -> Callable[[str], str]:
    known: dict[str, str] = {}

    def parse(text: str) -> str:
        if not known:  # once per file: codes, French and English labels, aliases
            known.update({_key(value): value for value in choices.values})
            for language in ("fr", "en"):
                with translation.override(language):
                    known.update({_key(str(label)): value for value, label in choices.choices})
            known.update(aliases)
        value = known.get(_key(text))
        if value is None:
            raise ValueError(message % {"value": text})
        return value

    return parse


# --- Reading files --------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise _FileError(1, str(TOO_LARGE))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _FileError(
            data[: exc.start].count(b"\n") + 1,
            _("This line is not UTF-8 text: save the file as “CSV UTF-8”."),
        ) from None


class _FileError(Exception):
    def __init__(self, line: int, message: str) -> None:
        self.line, self.message = line, message


def _header_aliases() -> dict[str, str]:
    """Folded header → column code: the headers exports write in either language, and the
    French names people type by hand."""
    aliases = dict(HEADER_ALIASES)
    for language in ("fr", "en"):
        with translation.override(language):
            aliases.update({_key(str(label)): code for code, label in COLUMN_LABELS.items()})
    return aliases


def _read(
    data: bytes, *, required: list[str], optional: list[str]
) -> tuple[list[tuple[int, dict[str, str]]], list[RowError]]:
    """(line number, {column: text}) for each non-empty row, or the file-level errors."""
    try:
        text = _decode(data)
    except _FileError as exc:
        return [], [RowError(exc.line, "", exc.message)]
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return [], [RowError(1, "", _("The file is empty."))]
    aliases = _header_aliases()
    columns = [aliases.get(_key(name), _key(name)) for name in header]
    missing = [name for name in required if name not in columns]
    if missing:
        return [], [RowError(1, name, _("Missing column.")) for name in missing]
    rows = []
    line = reader.line_num
    try:
        for cells in reader:
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_ROWS:
                return [], [RowError(start, "", _("Too many rows (5,000 at most)."))]
            values = {
                name: (restore(cells[i].strip()).strip() if i < len(cells) else "")
                for i, name in enumerate(columns)
                if name in required or name in optional
            }
            rows.append((start, values))
    except csv.Error as exc:
        return [], [RowError(line + 1, "", _("Unreadable CSV: %(error)s") % {"error": exc})]
    return rows, []


def _parse(
    data: bytes,
    *,
    parsers: dict[str, tuple[str, Callable[[str], Any]]],
    required: list[str],
    unique: str,
) -> tuple[list[Row], list[RowError]]:
    raw_rows, errors = _read(data, required=required, optional=list(parsers))
    rows: list[Row] = []
    seen: dict[str, int] = {}
    for line, cells in raw_rows:
        row = Row(line)
        row_errors = []
        for column, (target, parse) in parsers.items():
            text = cells.get(column, "")
            if not text:
                if column in required:
                    row_errors.append(RowError(line, column, _("This column is required.")))
                continue  # an empty optional cell leaves the value as it is (or its default)
            control = control_character(text)
            if control is not None:
                row_errors.append(
                    RowError(
                        line,
                        column,
                        _(
                            "This cell holds an invisible control character (%(char)s): "
                            "remove it and save the file again."
                        )
                        % {"char": control},
                    )
                )
                continue
            try:
                row.values[target] = parse(text)
            except ValueError as exc:
                row_errors.append(RowError(line, column, str(exc)))
        key = _key(cells.get(unique, ""))
        if key and key in seen:
            row_errors.append(
                RowError(
                    line,
                    unique,
                    _("Already in the file at line %(line)d.") % {"line": seen[key]},
                )
            )
        seen.setdefault(key, line)
        if row_errors:
            errors.extend(row_errors)
        else:
            rows.append(row)
    return rows, errors


def parse_products(data: bytes) -> tuple[list[Row], list[RowError]]:
    """Rows whose values are ``create_product`` arguments, and every bad cell."""
    parsers = {
        "name": ("name", _checked_name),
        "category": (
            "category",
            _choice_parser(Product.Category, CATEGORY_ALIASES, _("Unknown category “%(value)s”.")),
        ),
        "unit": (
            "unit",
            _choice_parser(Product.Unit, UNIT_ALIASES, _("Unknown unit “%(value)s”.")),
        ),
        "quantity_per_unit": (
            "quantity_per_unit",
            lambda t: parse_quantity(t) if t else Decimal(1),
        ),
        "price": ("price_cents", parse_cents),
        "vat_rate": ("vat_rate", parse_vat),
        "organic": ("is_organic", parse_bool),
        "description": ("description", str),
        "active": ("is_active", parse_bool),
    }
    return _parse(
        data, parsers=parsers, required=["name", "category", "unit", "price"], unique="name"
    )


def parse_offers(data: bytes) -> tuple[list[Row], list[RowError]]:
    """Rows with ``product`` (a name), ``quantity`` and maybe ``price_cents``."""
    parsers = {
        "product": ("product", _checked_name),
        "price": ("price_cents", parse_cents),
        "stock": ("quantity", parse_stock),
    }
    return _parse(data, parsers=parsers, required=["product", "stock"], unique="product")


def _checked_name(text: str) -> str:
    if len(text) > 150:
        raise ValueError(_("At most 150 characters."))
    return text
