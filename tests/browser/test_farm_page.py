"""A household opens its pickup point, then one of its farms' pages, on a phone."""

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from common.geo import distance_km
from pickup.models import PickupPoint
from producers.models import Producer
from tests.browser.test_search import _stub_tiles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_the_pickup_point_to_a_farm_with_its_map_and_its_distance(
    live_server, page: Page, artifacts_dir
):
    call_command("seed_demo", verbosity=0)
    farm = Producer.objects.get(slug="ferme-des-trois-chenes")
    point = PickupPoint.objects.get(slug="lille-wazemmes")
    _stub_tiles(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/compte/connexion/")
    page.locator("#id_username").fill("famille.martin@demo.circuit-court.fr")
    page.locator("#id_password").fill("demo-circuit-court")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".nav-user")).to_be_visible()
    page.goto(live_server.url + "/points-relais/lille-wazemmes/")
    page.locator(".producer-list a", has_text=farm.name).click()
    page.wait_for_url(f"**/fermes/{farm.slug}/")

    expect(page.locator("h1")).to_have_text(farm.name)
    km = round(distance_km(farm.point, point.point))
    expect(page.locator(".farm-distance")).to_contain_text(f"{km} km")
    expect(page.locator(".farm-distance")).to_contain_text(point.name)
    expect(page.locator(".farm-offers li").first).to_contain_text("€")
    # the farm's area and the four points it delivers to, drawn without tiles
    expect(page.locator("#map .map-origin")).to_have_count(1)
    expect(page.locator("#map .leaflet-marker-icon")).to_have_count(4)
    expect(page.locator(".farm-points li")).to_have_count(4)
    page.screenshot(path=artifacts_dir / "farm-page.png", full_page=True)

    page.locator(".farm-sales a").first.click()
    expect(page.locator(".catalogue-producer").first).to_be_visible()
