"""The language a logged-in person chooses with the switcher is kept on their account (their
e-mails are written in it); a visitor's choice stays in the cookie only."""

import pytest
from django.conf import settings

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_logged_in_household_choosing_english_gets_it_on_its_account(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert User.objects.get(pk=user.pk).language == "en"

    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert User.objects.get(pk=user.pk).language == "fr"


def test_an_unknown_language_changes_nothing(client):
    user = UserFactory(language="en")
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    assert User.objects.get(pk=user.pk).language == "en"


def test_a_visitor_choice_stays_in_the_cookie(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert not User.objects.exclude(language="").exists()
