"""A household searches for pickup points by postcode and by position, on a phone."""

import base64

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from common.geo import distance_km, geocode
from pickup.models import PickupPoint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A 1×1 transparent PNG: map tiles cannot load offline, markers must not depend on them.
TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def _stub_tiles(page: Page) -> list[str]:
    asked: list[str] = []

    def fulfil(route):
        asked.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=TILE)

    page.route("**/tile.openstreetmap.org/**", fulfil)
    return asked


def _expected_order(origin) -> list[str]:
    points = PickupPoint.objects.filter(is_active=True).exclude(latitude=None)
    return [
        p.name for p in sorted(points, key=lambda p: distance_km(origin, (p.latitude, p.longitude)))
    ]


def test_search_by_postcode_lists_points_by_distance_with_markers(
    live_server, page: Page, artifacts_dir
):
    call_command("seed_demo", verbosity=0)
    origin = geocode("59000")
    tiles = _stub_tiles(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/")
    page.locator("#hero-q").fill("59000")
    page.locator(".hero-search button[type=submit]").click()
    page.wait_for_url("**/points-relais/?q=59000")

    names = page.locator(".point-card h3 a")
    expect(names).to_have_count(4)
    assert names.all_inner_texts() == _expected_order((origin.latitude, origin.longitude))
    expect(page.locator("#map .leaflet-marker-icon")).to_have_count(4)
    expect(page.locator("#map .map-origin")).to_have_count(1)
    page.locator(".point-card").first.scroll_into_view_if_needed()
    page.screenshot(path=artifacts_dir / "pickup-search-59000.png", full_page=True)
    assert tiles, "the map asked for tiles (stubbed)"

    # the search field keeps the query; an unknown place is explained, not a server error
    page.locator("input[name=q]").fill("xyzzy plugh")
    page.locator(".search-form button[type=submit]").click()
    expect(page.locator("#id_q_errors")).to_contain_text("Adresse introuvable")
    expect(page.locator(".point-card")).to_have_count(0)


def test_use_my_position_searches_around_the_browsers_position(live_server, page: Page):
    call_command("seed_demo", verbosity=0)
    _stub_tiles(page)
    roubaix = (50.6942, 3.1746)
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": roubaix[0], "longitude": roubaix[1]})
    page.goto(live_server.url + "/points-relais/")
    page.locator("#use-my-position").click()
    page.wait_for_url("**near=50.694*")
    names = page.locator(".point-card h3 a")
    expect(names).to_have_count(4)
    assert names.all_inner_texts() == _expected_order(roubaix)
    assert names.first.inner_text().startswith("Roubaix")


def test_from_a_pickup_point_to_its_catalogue_then_the_host_dashboard(
    live_server, page: Page, artifacts_dir
):
    call_command("seed_demo", verbosity=0)
    _stub_tiles(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/points-relais/lille-wazemmes/")
    expect(page.locator("#map .leaflet-marker-icon")).to_have_count(1)
    expect(page.locator(".producer-list li")).to_have_count(6)
    page.locator(".distribution-list a.button").first.click()
    expect(page.locator(".catalogue-producer").first).to_be_visible()
    expect(page.locator(".catalogue-producer .minimum").first).to_contain_text("€")
    page.screenshot(path=artifacts_dir / "pickup-catalogue.png", full_page=True)

    page.goto(live_server.url + "/compte/connexion/?next=/hote/")
    page.get_by_label("Adresse e-mail").fill("hote@demo.circuit-court.fr")
    page.get_by_label("Mot de passe").fill("demo-circuit-court")
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/hote/")
    expect(page.locator(".host-point > h2")).to_have_text("Lille Wazemmes — Maison du quartier")
    # the open one, three weekly ones scheduled, the demo sale closed today and the one
    # finished two days ago (its farms and host paid)
    expect(page.locator(".host-distributions .host-distribution")).to_have_count(6)
    page.screenshot(path=artifacts_dir / "host-dashboard.png", full_page=True)
