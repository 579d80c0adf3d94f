import pytest
from django.core import mail
from django.urls import reverse

from accounts.errors import EmailTaken
from accounts.models import User
from accounts.services import register_user, update_user
from common.errors import Invalid
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_sign_up_creates_the_account_and_logs_in(client):
    response = client.post(
        reverse("accounts:sign_up"),
        {
            "full_name": "Inès Martin",
            "email": "Ines.Martin@Exemple.fr",
            "password": "pommes-de-terre-42",
            "password_again": "pommes-de-terre-42",
            "accept_terms": "on",
        },
    )
    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "ines.martin@exemple.fr"
    assert client.get(reverse("frontend:home")).context["user"] == user


def test_sign_up_refuses_a_taken_address_whatever_its_case(client):
    UserFactory(email="ines@exemple.fr")
    response = client.post(
        reverse("accounts:sign_up"),
        {
            "full_name": "X",
            "email": "INES@exemple.fr",
            "password": "pommes-de-terre-42",
            "password_again": "pommes-de-terre-42",
            "accept_terms": "on",
        },
    )
    assert response.status_code == 200
    assert "Un compte existe déjà avec cette adresse e-mail." in response.content.decode()
    assert User.objects.count() == 1


def test_sign_up_reports_weak_and_mismatched_passwords_in_french(client):
    response = client.post(
        reverse("accounts:sign_up"),
        {"full_name": "X", "email": "x@exemple.fr", "password": "123", "password_again": "124"},
    )
    assert response.status_code == 200
    assert "Les deux mots de passe diffèrent." in response.content.decode()
    assert not User.objects.exists()
    with pytest.raises(Exception) as caught:
        register_user(email="y@exemple.fr", password="123", full_name="Y")
    assert caught.value.code == "invalid"


def test_log_in_with_email_any_case_then_log_out(client):
    user = UserFactory(email="camille@exemple.fr")
    response = client.post(
        reverse("accounts:login"), {"username": "Camille@Exemple.fr", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_wrong_password_shows_a_clear_message(client):
    UserFactory(email="camille@exemple.fr")
    response = client.post(
        reverse("accounts:login"), {"username": "camille@exemple.fr", "password": "non"}
    )
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect." in response.content.decode()


def test_repeated_failures_lock_the_address_out(client):
    UserFactory(email="camille@exemple.fr")
    for _ in range(5):
        client.post(
            reverse("accounts:login"), {"username": "camille@exemple.fr", "password": "non"}
        )
    locked = client.post(
        reverse("accounts:login"), {"username": "camille@exemple.fr", "password": PASSWORD}
    )
    assert locked.status_code == 429
    assert "Trop de tentatives" in locked.content.decode()


def test_password_reset_sends_a_link_that_works(client):
    UserFactory(email="camille@exemple.fr")
    client.post(reverse("accounts:password_reset"), {"email": "camille@exemple.fr"})
    assert len(mail.outbox) == 1
    link = next(
        line for line in mail.outbox[0].body.splitlines() if "/compte/mot-de-passe/" in line
    )
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "un-nouveau-secret-77", "new_password2": "un-nouveau-secret-77"},
    )
    assert done.status_code == 302
    assert User.objects.get().check_password("un-nouveau-secret-77")


def test_api_token_for_valid_credentials(api_client):
    user = UserFactory(email="camille@exemple.fr")
    response = api_client.post(
        "/api/v1/auth/token/", {"email": "camille@exemple.fr", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/auth/tokens/").status_code == 200
    assert user.api_tokens.get().pk == response.json()["id"]


def test_api_token_errors_have_codes(api_client):
    UserFactory(email="camille@exemple.fr")
    bad = api_client.post(
        "/api/v1/auth/token/", {"email": "camille@exemple.fr", "password": "x"}, format="json"
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_credentials"
    invalid = api_client.post("/api/v1/auth/token/", {"email": "pas-une-adresse"}, format="json")
    assert invalid.status_code == 400
    assert invalid.json()["code"] == "invalid"
    assert set(invalid.json()["errors"]) == {"email", "password"}


def test_api_token_locks_out_after_repeated_failures(api_client):
    UserFactory(email="camille@exemple.fr")
    for _ in range(5):
        api_client.post(
            "/api/v1/auth/token/", {"email": "camille@exemple.fr", "password": "x"}, format="json"
        )
    locked = api_client.post(
        "/api/v1/auth/token/", {"email": "camille@exemple.fr", "password": PASSWORD}, format="json"
    )
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"


def test_an_account_opened_without_a_password_has_none_usable():
    user = register_user(email="Sans@Exemple.fr", password=None, full_name=" Sans Mot ")
    assert (user.email, user.full_name) == ("sans@exemple.fr", "Sans Mot")
    assert not user.has_usable_password()


def test_a_changed_address_follows_the_sign_up_rule():
    UserFactory(email="prise@exemple.fr")
    person = UserFactory(email="avant@exemple.fr")
    with pytest.raises(EmailTaken):
        update_user(user=person, changes={"email": "PRISE@exemple.fr"})
    update_user(user=person, changes={"email": " Apres@Exemple.FR", "phone": "0320000000"})
    person.refresh_from_db()
    assert (person.email, person.phone) == ("apres@exemple.fr", "0320000000")
    update_user(user=person, changes={"email": "APRES@exemple.fr"})  # one's own address
    with pytest.raises(Invalid) as refused:
        update_user(user=person, changes={"password": "x"})
    assert list(refused.value.extra["errors"]) == ["password"]
