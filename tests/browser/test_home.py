import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_in_french_then_english(live_server, page: Page, artifacts_dir):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Les produits des fermes d'à côté, retirés au coin de la rue"
    )
    page.screenshot(path=artifacts_dir / "home-fr.png", full_page=True)

    page.get_by_label("Langue").select_option("en")
    page.get_by_role("button", name="Changer").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Food from the farms around you, collected next door"
    )


def test_sign_up_then_log_in(live_server, page: Page, artifacts_dir):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Inscription").click()
    page.get_by_label("Nom complet").fill("Jeanne Dupont")
    page.get_by_label("Adresse e-mail").fill("jeanne@exemple.fr")
    page.get_by_label("Mot de passe", exact=True).fill("carottes-et-poireaux")
    page.get_by_label("Mot de passe (confirmation)").fill("carottes-et-poireaux")
    page.get_by_label("J'ai lu et j'accepte les conditions générales").check()
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_text("Bienvenue sur Circuit Court, votre compte est prêt.")).to_be_visible()

    page.get_by_role("button", name="Déconnexion").click()
    page.get_by_role("link", name="Connexion").click()
    page.get_by_label("Adresse e-mail").fill("jeanne@exemple.fr")
    page.get_by_label("Mot de passe").fill("carottes-et-poireaux")
    page.get_by_role("button", name="Connexion").click()
    expect(page.locator(".nav-user")).to_have_text("Jeanne")
    page.screenshot(path=artifacts_dir / "logged-in.png", full_page=True)
