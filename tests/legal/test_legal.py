"""The legal pages (terms, privacy, legal notice, accessibility statement), linked from every
page's footer, and the terms accepted at sign-up, recorded with their version and the date."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from accounts.models import User
from accounts.services import register_user
from legal.documents import TERMS_VERSION
from legal.models import Acceptance
from legal.selectors import accepted_terms
from legal.services import record_acceptance
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = {
    "legal:terms": "Conditions générales",
    "legal:privacy": "Confidentialité",
    "legal:notice": "Mentions légales",
    "legal:accessibility": "Déclaration d'accessibilité",
}
SIGN_UP = {
    "full_name": "Inès Martin",
    "email": "ines@exemple.fr",
    "password": "pommes-de-terre-42",
    "password_again": "pommes-de-terre-42",
}


@pytest.mark.parametrize(("name", "heading"), PAGES.items())
def test_each_legal_page_is_open_to_visitors_and_linked_from_every_footer(client, name, heading):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in response.content.decode()
    footer = client.get(reverse("frontend:gardens:list")).content.decode().split("site-footer")[1]
    assert f'href="{reverse(name)}"' in footer


def test_the_legal_notice_names_the_publisher_and_the_host_from_the_settings(client, settings):
    settings.LEGAL_PUBLISHER_NAME = "Association Circuit Court Lille"
    settings.LEGAL_PUBLICATION_DIRECTOR = "Claire Dubois"
    settings.LEGAL_HOST_NAME = "Hébergeur Exemple SAS"
    settings.LEGAL_CONTACT_EMAIL = "contact@exemple.fr"
    page = client.get(reverse("legal:notice")).content.decode()
    assert '<dd data-fact="publisher">Association Circuit Court Lille</dd>' in page
    assert '<dd data-fact="director">Claire Dubois</dd>' in page
    assert '<dd data-fact="host">Hébergeur Exemple SAS</dd>' in page
    assert "mailto:contact@exemple.fr" in page


def test_the_terms_say_the_farm_sells_and_perishables_have_no_withdrawal_right(client):
    page = client.get(reverse("legal:terms")).content.decode()
    assert "<strong>Chaque ferme est le vendeur</strong>" in page
    assert "L221-28, 4° du Code de la consommation" in page
    assert "mandat d'émettre en\nson nom et pour son compte les factures" in page
    assert f'data-terms-version="{TERMS_VERSION}"' in page


def test_the_accessibility_statement_gives_its_status_and_the_recourse(client):
    page = client.get(reverse("legal:accessibility")).content.decode()
    assert 'data-conformity="non-conforme"' in page
    assert "Défenseur des droits" in page
    footer = client.get(reverse("frontend:home")).content.decode().split("site-footer")[1]
    assert "Accessibilité : non conforme" in footer


def test_in_english_a_legal_page_says_its_french_text_applies(client):
    client.cookies["django_language"] = "en"
    page = client.get(reverse("legal:privacy")).content.decode()
    assert "This page is in French: its French text is the one that applies." in page
    assert '<article class="legal" lang="fr">' in page


def test_sign_up_without_accepting_the_terms_creates_no_account(client):
    response = client.post(reverse("accounts:sign_up"), SIGN_UP)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Acceptez les conditions générales pour créer un compte." in page
    # The box says it is wrong and names its message, which a screen reader reads with it.
    assert 'aria-invalid="true" aria-describedby="id_accept_terms_error"' in page
    assert '<ul class="errorlist" id="id_accept_terms_error">' in page
    assert f'href="{reverse("legal:terms")}"' in page
    assert not User.objects.exists()
    assert not Acceptance.objects.exists()


@time_machine.travel(datetime(2026, 12, 3, 9, 30, tzinfo=UTC), tick=False)
def test_sign_up_records_the_terms_accepted_with_their_version_and_the_date(client):
    response = client.post(reverse("accounts:sign_up"), {**SIGN_UP, "accept_terms": "on"})
    assert response.status_code == 302
    acceptance = Acceptance.objects.get()
    assert acceptance.user == User.objects.get()
    assert (acceptance.document, acceptance.version) == ("terms", TERMS_VERSION)
    assert acceptance.accepted_at == datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
    assert accepted_terms(acceptance.user) == acceptance


def test_an_account_an_operator_opens_has_accepted_nothing():
    user = register_user(email="sans@exemple.fr", password=None, full_name="Sans")
    assert accepted_terms(user) is None


def test_accepting_again_keeps_the_first_date_and_a_new_version_is_a_new_row():
    user = UserFactory()
    first = record_acceptance(user=user, at=datetime(2026, 12, 1, tzinfo=UTC))
    again = record_acceptance(user=user, at=datetime(2026, 12, 5, tzinfo=UTC))
    assert again == first
    assert again.accepted_at == datetime(2026, 12, 1, tzinfo=UTC)
    newer = record_acceptance(user=user, version="2027-06-01")
    assert newer != first
    assert Acceptance.objects.filter(user=user).count() == 2
    assert accepted_terms(user) == first  # the version in force is still the first one
