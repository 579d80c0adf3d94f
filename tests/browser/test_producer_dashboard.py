"""A farmer logs in on a phone, opens the dashboard and publishes this week's draft catalogue."""

import pytest
from playwright.sync_api import Page, expect

from producers.models import Catalogue
from producers.weeks import iso_label
from tests.factories import (
    PASSWORD,
    CatalogueFactory,
    OfferFactory,
    ProducerFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_publishes_a_draft_catalogue(live_server, page: Page, artifacts_dir):
    farmer = UserFactory(email="thomas@ferme.fr", full_name="Thomas Delattre")
    producer = ProducerFactory(name="Les Jardins de la Deûle", slug="jardins-de-la-deule")
    producer.members.add(farmer)
    catalogue = CatalogueFactory(producer=producer)
    OfferFactory(
        catalogue=catalogue,
        product__name="Chicons de pleine terre",
        product__unit="g",
        product__quantity_per_unit=500,
        price_cents=320,
        quantity=50,
        taken=0,
    )
    week = iso_label(catalogue.week)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/compte/connexion/?next=/producteur/")
    page.locator("#id_username").fill("thomas@ferme.fr")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()

    block = page.locator(f'[data-week="{week}"]')
    expect(block.locator("[data-status]")).to_have_attribute("data-status", "draft")
    expect(block.locator(".offer-name strong")).to_have_text("Chicons de pleine terre")
    expect(block).to_contain_text("6,40\u00a0€ / kg")  # 500 g at 3,20 €

    block.locator("button[name=publish]").click()

    block = page.locator(f'[data-week="{week}"]')
    expect(block.locator("[data-status]")).to_have_attribute("data-status", "published")
    expect(block.locator("button[name=publish]")).to_have_count(0)
    expect(page.locator(".message-success")).to_be_visible()
    page.screenshot(path=artifacts_dir / "producer-dashboard-published.png", full_page=True)
    catalogue.refresh_from_db()
    assert catalogue.status == Catalogue.Status.PUBLISHED


def test_on_a_phone_the_farm_enters_its_legal_identity(live_server, page: Page, artifacts_dir):
    farmer = UserFactory(email="thomas@ferme.fr", full_name="Thomas Delattre")
    producer = ProducerFactory(name="Les Jardins de la Deûle", slug="jardins-de-la-deule")
    producer.members.add(farmer)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/compte/connexion/?next=/producteur/")
    page.locator("#id_username").fill("thomas@ferme.fr")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()

    legal = page.locator("#legal-identity")
    expect(legal).to_contain_text("À compléter pour vos factures")
    legal.get_by_role("link").click()

    fieldset = page.locator("fieldset#legal-identity")
    expect(fieldset.locator("legend")).to_have_text("Identité légale (pour vos factures)")
    fieldset.get_by_label("Raison sociale").fill("EARL des Jardins")
    fieldset.get_by_label("SIRET").fill("732 829 320 00075")
    fieldset.get_by_label("Régime de TVA").select_option("liable")
    fieldset.get_by_label("Numéro de TVA intracommunautaire").fill("FR44732829320")
    page.locator("main button[type=submit]").click()

    siret = page.locator("#id_siret")
    expect(siret).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_siret_error")).to_contain_text("Saisissez un SIRET valable")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=artifacts_dir / "producer-legal-identity-refused.png", full_page=True)

    siret.fill("732 829 320 00074")
    page.locator("main button[type=submit]").click()

    legal = page.locator("#legal-identity")
    expect(legal).to_contain_text("732 829 320 00074")
    expect(legal).to_contain_text("Assujettie à la TVA")
    expect(legal).not_to_contain_text("À compléter")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    legal.screenshot(path=artifacts_dir / "producer-legal-identity-dashboard.png")
