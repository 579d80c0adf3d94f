"""The admin is branded and in French: its title, the models' and the fields' names."""

import re

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise

pytestmark = pytest.mark.django_db

APPS = ["payments", "orders", "subscriptions", "billing", "gardens", "pickup"]


def test_the_admin_says_circuit_court_in_french(operator):
    operator.cookies["django_language"] = "fr"
    html = operator.get(reverse("admin:index")).content.decode()
    assert "<title>Administration | Circuit Court — administration</title>" in html
    assert "Circuit Court — administration" in re.sub(r"\s+", " ", html)
    assert "Django" not in html.split("<body")[1].split("</header>")[0]


def test_a_payment_and_its_fields_read_in_french():
    from payments.models import Payment

    with translation.override("fr"):
        assert str(Payment._meta.get_field("amount_cents").verbose_name) == "montant (centimes)"
        assert str(Payment._meta.get_field("payer").verbose_name) == "payeur"
        assert str(Payment._meta.verbose_name_plural) == "paiements"


@pytest.mark.parametrize("app", APPS)
def test_every_field_has_a_translatable_name(app):
    untranslated = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.get_fields()
        if getattr(field, "concrete", False)
        and not field.auto_created
        and field.name != "located_at"  # the shared Located model: see docs/french.md
        and not isinstance(field.verbose_name, Promise)
    ]
    assert untranslated == []
    for model in apps.get_app_config(app).get_models():
        assert isinstance(model._meta.verbose_name, Promise), model
