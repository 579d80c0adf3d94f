"""Operators open and change accounts in the admin through the accounts' services."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import User
from tests.admin_forms import admin_form_data, post_admin_form
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_an_account_opened_in_the_admin_keeps_its_address_as_at_sign_up(operator, client):
    add = reverse("admin:accounts_user_add")
    response = post_admin_form(
        operator,
        add,
        email="Marie.Curie@Exemple.FR",
        full_name="Marie Curie",
        usable_password="true",
        password1=PASSWORD,
        password2=PASSWORD,
    )
    assert response.status_code == 302
    user = User.objects.get(full_name="Marie Curie")
    assert user.email == "marie.curie@exemple.fr"
    assert user.check_password(PASSWORD)


def test_an_account_opened_without_a_password_has_none_usable(operator):
    add = reverse("admin:accounts_user_add")
    data = admin_form_data(operator.get(add), email="sans@exemple.fr", full_name="Sans Mot")
    data["usable_password"] = "false"
    assert operator.post(add, data).status_code == 302
    assert not User.objects.get(email="sans@exemple.fr").has_usable_password()


def test_a_changed_address_is_kept_lowercase_and_rights_are_saved(operator):
    person, group = UserFactory(), Group.objects.create(name="Opérateurs")
    change = reverse("admin:accounts_user_change", args=[person.pk])
    data = admin_form_data(operator.get(change), email="Nouvelle@Exemple.FR", is_staff=True)
    data["groups"] = [group.pk]
    assert operator.post(change, data).status_code == 302
    person.refresh_from_db()
    assert (person.email, person.is_staff) == ("nouvelle@exemple.fr", True)
    assert list(person.groups.all()) == [group]
    assert person.check_password(PASSWORD)  # untouched
