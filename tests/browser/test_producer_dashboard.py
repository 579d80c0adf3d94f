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
