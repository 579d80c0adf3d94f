"""Small pieces every API view uses: validating input, input fields bounded by their columns,
what OPTIONS answers, a PDF next to the JSON."""

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.http import QueryDict
from django.urls import reverse
from rest_framework import renderers, serializers
from rest_framework.metadata import SimpleMetadata
from rest_framework.utils.formatting import lazy_format

from common.bounds import field_bounds, integer_bounds


def validated(serializer_class: type[serializers.Serializer], data: Any, **kwargs) -> dict:
    """Validate input with a plain serializer; a ValidationError becomes a 400 ``invalid``."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- Inputs bounded by the columns they end up in ---------------------------------------------


def bound_integer(field: serializers.IntegerField, low: int, high: int) -> None:
    """Narrow ``field`` to [low, high]; bounds already narrower stay. The messages are DRF's own
    ``min_value``/``max_value`` (a 400 ``invalid`` naming the field)."""
    if field.min_value is None or field.min_value < low:
        field.min_value = low
        message = lazy_format(field.error_messages["min_value"], min_value=low)
        field.validators.append(MinValueValidator(low, message=message))
    if field.max_value is None or field.max_value > high:
        field.max_value = high
        message = lazy_format(field.error_messages["max_value"], max_value=high)
        field.validators.append(MaxValueValidator(high, message=message))


def bound_length(field: serializers.CharField, max_length: int) -> None:
    if field.max_length is None or field.max_length > max_length:
        field.max_length = max_length
        message = lazy_format(field.error_messages["max_length"], max_length=max_length)
        field.validators.append(MaxLengthValidator(max_length, message=message))


def _bounded_integer(
    low: int, high: int, field_class=serializers.IntegerField, **kwargs
) -> serializers.IntegerField:
    # Passed to the constructor: DRF copies declared fields by constructing them again.
    kwargs["min_value"] = max(low, kwargs.get("min_value", low))
    kwargs["max_value"] = min(high, kwargs.get("max_value", high))
    return field_class(**kwargs)


def integer_field(
    model: type[models.Model], name: str = "pk", **kwargs
) -> serializers.IntegerField:
    """An integer input bounded by ``model``'s field ``name`` (by default its primary key: an
    id). ``min_value``/``max_value`` given here may narrow the column's range, never widen it."""
    return _bounded_integer(*field_bounds(model, name), **kwargs)


class WholeNumberField(serializers.IntegerField):
    """An integer that is one: in JSON a number without a fraction (``500``, not ``500.0``,
    ``"500"`` nor ``true``); in a form, where every value is text, digits only. DRF's own
    IntegerField takes all of those. Refused as DRF refuses any integer (``invalid``)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and isinstance(
            getattr(self.root, "initial_data", None), QueryDict
        ):
            whole = data.isascii() and data.isdecimal()
        else:
            whole = isinstance(data, int) and not isinstance(data, bool)
        if not whole:
            self.fail("invalid")
        return super().to_internal_value(data)


def whole_number_field(model: type[models.Model], name: str, **kwargs) -> WholeNumberField:
    """:func:`integer_field`, as a :class:`WholeNumberField`."""
    return _bounded_integer(*field_bounds(model, name), WholeNumberField, **kwargs)


class ModelBounds:
    """Serializer mixin for plain input serializers: each integer field (or list of integers)
    and each string field whose source names a field of ``Meta.model`` is bounded by that column
    — its integer range whatever the database (:mod:`common.bounds`), its ``max_length`` — so a
    value the column cannot hold is a 400 ``invalid``, never a database error. Bounds declared on
    the serializer field may be narrower and stay.

    ``class Input(ModelBounds, serializers.Serializer): class Meta: model = Season``
    """

    def get_fields(self):
        fields = super().get_fields()
        model = getattr(getattr(self, "Meta", None), "model", None)
        if model is not None:
            for name, field in fields.items():
                column = _model_field(model, field.source or name)
                if column is not None:
                    _bound_to_column(field, column)
        return fields


def _model_field(model: type[models.Model], name: str) -> models.Field | None:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _bound_to_column(field: serializers.Field, column: models.Field) -> None:
    if isinstance(field, serializers.ListField):
        field = field.child
    if isinstance(field, serializers.IntegerField):
        bound_integer(field, *integer_bounds(column))
    elif isinstance(field, serializers.CharField) and getattr(column, "max_length", None):
        bound_length(field, column.max_length)


class BoundedModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose generated integer fields take the fixed bounds of their columns
    (:mod:`common.bounds`) instead of the connection's: the same validation and the same schema
    on SQLite and PostgreSQL. Read-only fields that may be blank say so."""

    def build_standard_field(self, field_name, model_field):
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        if "min_value" in field_kwargs or "max_value" in field_kwargs:
            low, high = integer_bounds(model_field)
            field_kwargs["min_value"], field_kwargs["max_value"] = low, high
        return field_class, field_kwargs

    def include_extra_kwargs(self, kwargs, extra_kwargs):
        # DRF drops allow_blank from read-only fields; kept, the schema says that a blank
        # value (a choice not made, like an active line's cancel_reason) may come back.
        allow_blank = kwargs.get("allow_blank", False)
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if allow_blank and kwargs.get("read_only"):
            kwargs["allow_blank"] = True
        return kwargs


# --- OPTIONS ------------------------------------------------------------------------------------


class ApiMetadata(SimpleMetadata):
    """What OPTIONS answers on every endpoint: its name, description and media types, with the
    allowed methods in the ``Allow`` header. Inputs are described by the OpenAPI schema
    (``/api/schema/``), not here: DRF's default would look the object up (``get_object``) and
    describe the output serializer as if it were the input."""

    def determine_metadata(self, request, view):
        return {
            "name": view.get_view_name(),
            "description": view.get_view_description(),
            "renders": [renderer.media_type for renderer in view.renderer_classes],
            "parses": [parser.media_type for parser in view.parser_classes],
            "schema": reverse("schema"),
        }


# --- A document download next to the JSON ---------------------------------------------------


class PDFRenderer(renderers.BaseRenderer):
    """Accepts ``?format=pdf`` (the view then answers with ``common.pdf.pdf_response``).
    Anything else rendered through it — an error — goes out as JSON, like every API error."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return renderers.JSONRenderer().render(data, "application/json", renderer_context)
