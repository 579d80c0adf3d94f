"""What a model field's column can hold, the same whatever the database.

Django checks integer values against ``connection.ops.integer_field_range``: 64 bits for every
integer field on SQLite, the real 16/32/64-bit columns on PostgreSQL. Inputs are bounded by the
fixed ranges Django documents for each field class (``BaseDatabaseOperations``), which are the
PostgreSQL columns: a value that fits here fits on every database we run on, and the API schema
generated from these bounds is the same on SQLite and PostgreSQL.
"""

from django.conf import settings
from django.core import validators
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.module_loading import import_string

INTEGER_RANGES: dict[str, tuple[int, int]] = BaseDatabaseOperations.integer_field_ranges


def _limit(validator) -> int:
    limit = validator.limit_value
    return limit() if callable(limit) else limit


def integer_bounds(field: models.Field) -> tuple[int, int]:
    """(min, max) a value of this integer field may take: the column's range, narrowed by the
    field's own Min/MaxValueValidators. A relation gives the bounds of the key it points to;
    a primary key starts at 1. ``TypeError`` for a field that holds no integer."""
    if field.is_relation:
        field = field.target_field
    try:
        low, high = INTEGER_RANGES[field.get_internal_type()]
    except KeyError:
        raise TypeError(f"{field!r} does not hold integers") from None
    if field.primary_key:
        low = max(low, 1)
    for validator in field.validators:
        if isinstance(validator, validators.MinValueValidator):
            low = max(low, _limit(validator))
        elif isinstance(validator, validators.MaxValueValidator):
            high = min(high, _limit(validator))
    return low, high


def field_bounds(model: type[models.Model], name: str) -> tuple[int, int]:
    """(min, max) of ``model``'s integer field ``name`` (``"pk"`` works too)."""
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    return integer_bounds(field)


def id_bounds() -> tuple[int, int]:
    """(min, max) of a primary key of the project's default type (``DEFAULT_AUTO_FIELD``)."""
    auto_field = import_string(settings.DEFAULT_AUTO_FIELD)
    return integer_bounds(auto_field(primary_key=True))
