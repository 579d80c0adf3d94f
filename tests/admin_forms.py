"""Post an admin form the way a browser does: what the page shows, with some values changed."""

from datetime import date, datetime, time

from django import forms
from django.db import models


def _value(value):
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    return value


def _fields(data: dict, form: forms.BaseForm) -> None:
    for name, field in form.fields.items():
        key, value = form.add_prefix(name), form[name].value()
        if field.disabled:
            continue
        if isinstance(field.widget, forms.MultiWidget):
            parts = value if isinstance(value, list | tuple) else field.widget.decompress(value)
            for suffix, part in zip(field.widget.widgets_names, parts, strict=True):
                data[key + suffix] = _value(part)
        elif isinstance(field, forms.BooleanField):
            if value:
                data[key] = "on"
        elif isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            data[key] = [_value(v) for v in value or []]
        else:
            data[key] = _value(value)


def admin_form_data(page, **changed) -> dict:
    """The data an admin add or change ``page`` (a test client response) posts back, with
    ``changed`` applied (``False`` unticks a box, ``None`` empties a field)."""
    context = page.context
    data: dict = {}
    _fields(data, context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        _fields(data, formset.management_form)
        for form in formset.forms:
            _fields(data, form)
    for key, value in changed.items():
        if value is False:
            data.pop(key, None)
        else:
            data[key] = "on" if value is True else _value(value)
    return data


def post_admin_form(client, url: str, **changed):
    """GET the admin form at ``url``, then POST it back with ``changed``."""
    return client.post(url, admin_form_data(client.get(url), **changed))
