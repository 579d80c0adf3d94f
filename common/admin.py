"""The admin through the services: operators' writes follow the rules the pages and the API do.

An admin built on :class:`ServiceAdmin` never saves its form: it says which service makes a new
row (``create``) and which one changes a row (``update``), and inlines are saved the same way
(:func:`save_inline`). When a service refuses (a :class:`~common.errors.DomainError`), the whole
change is rolled back and the form is shown again with the refusal on it, on the field it names
if the form has one (``common.forms.add_domain_error``, as on the pages): a form error, never a
server error.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import BaseInlineFormSet, Form

from common.errors import DomainError
from common.forms import add_domain_error

_REFUSAL = "_admin_refusal"  # where a refused save waits for the form shown again (per request)


def changes(form: Form, fields: Iterable[str]) -> dict[str, Any]:
    """What the operator changed among ``fields``: the cleaned values of the changed ones."""
    wanted = set(fields)
    return {name: form.cleaned_data[name] for name in form.changed_data if name in wanted}


def values(form: Form, fields: Iterable[str]) -> dict[str, Any]:
    """The cleaned values of ``fields`` that the form has (a new row's service arguments)."""
    return {name: form.cleaned_data[name] for name in fields if name in form.cleaned_data}


def _stored(obj: models.Model) -> models.Model:
    """A fresh copy of ``obj`` as the database has it: the admin's form has already written the
    operator's values on ``obj``, and a service compares them with what is stored."""
    return type(obj)._default_manager.get(pk=obj.pk)


def save_inline(
    formset: BaseInlineFormSet,
    *,
    create: Callable[[Form], models.Model],
    update: Callable[[models.Model, Form], object],
    delete: Callable[[models.Model], object] | None = None,
) -> None:
    """Save an inline's rows through services: ``create(form)`` for a new row, ``update(row,
    form)`` for a changed one (``row`` as stored), ``delete(row)`` for a deleted one (by default
    the row is deleted). Records what was done for the admin's history, as ``formset.save()``
    does."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for form in formset.deleted_forms:
        if form.instance.pk is not None:
            row = _stored(form.instance)
            (delete or formset.delete_existing)(row)
            formset.deleted_objects.append(row)
    for form in formset.forms:
        if form in formset.deleted_forms or not form.has_changed():
            continue
        if form.instance.pk is None:
            formset.new_objects.append(create(form))
        else:
            row = _stored(form.instance)
            update(row, form)
            formset.changed_objects.append((row, form.changed_data))


def _with_refusal(form_class: type[Form], refusal: DomainError) -> type[Form]:
    class RefusedForm(form_class):
        def clean(self):
            cleaned_data = super().clean()
            add_domain_error(self, refusal)
            return cleaned_data

    RefusedForm.__name__ = form_class.__name__
    return RefusedForm


class ServiceAdmin(admin.ModelAdmin):
    """A ``ModelAdmin`` that writes through services (see the module's docstring). Subclasses
    define ``create`` and ``update``; many-to-many fields are the services' too, so
    ``save_related`` saves only the inlines (``save_formset``)."""

    def create(self, form: Form) -> models.Model:
        """Make the new row from the add form, by a service; return it."""
        raise NotImplementedError

    def update(self, row: models.Model, form: Form) -> None:
        """Apply the change form to ``row`` (as stored), by a service."""
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        if change:
            self.update(_stored(obj), form)
        else:
            obj.pk = self.create(form).pk
            obj._state.adding = False
        # The admin goes on with ``obj`` (inlines, history, redirect): it becomes the saved row.
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as refusal:
            if request.method != "POST" or hasattr(request, _REFUSAL):
                raise
            setattr(request, _REFUSAL, refusal)
        # The view's transaction is rolled back. The same data is validated again, the refusal
        # now on the form, which is shown with everything the operator typed.
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        refusal = getattr(request, _REFUSAL, None)
        return form if refusal is None else _with_refusal(form, refusal)
