"""The catalogue as a shop on a phone (390×844): the demo household fills its basket with the
− and + buttons and watches the bar at the bottom count and total; a quantity it cannot have
is refused on the product's card; a product that runs out before it orders is named on its
card when the catalogue comes back; the search filters the cards without a reload."""

from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from accounts.demo import DEMO_PASSWORD, demo_email
from orders.models import Order
from orders.services import place_order
from pickup.models import Distribution
from pickup.selectors import catalogue_offers
from producers.models import Offer
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAIT = 15_000


def _eur(cents: int) -> str:
    return f"{cents / 100:.2f}".replace(".", ",") + "\u00a0€"


def _shot(page: Page, artifacts_dir: Path, name: str) -> None:
    path = artifacts_dir / f"shop-{name}.png"
    page.screenshot(path=path)


def _two_offers():
    """An open distribution and two offers of it with at least 3 left each."""
    for distribution in Distribution.objects.filter(status="open").select_related("pickup_point"):
        offers = [o for o in catalogue_offers(distribution=distribution) if o.remaining >= 3]
        offers = [o for o in offers if not o.product.sold_by_weight]
        if len(offers) >= 2:
            return distribution, offers[0], offers[1]
    raise AssertionError("seed_demo made no open distribution with two stocked offers")


def _log_in(page: Page, base: str) -> None:
    page.goto(f"{base}/compte/connexion/")
    page.locator("#id_username").fill(demo_email("foyer"))
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.locator(".nav-user")).to_be_visible()


def _settled(page: Page) -> None:
    # One request at a time: the test server shares one SQLite connection between threads.
    page.wait_for_load_state("networkidle")


def test_the_steppers_fill_the_basket_and_the_bar_counts_it(live_server, page: Page, artifacts_dir):
    call_command("seed_demo", verbosity=0)
    distribution, first, second = _two_offers()
    page.set_viewport_size({"width": 390, "height": 844})
    _log_in(page, live_server.url)
    url = f"{live_server.url}/points-relais/{distribution.pickup_point.slug}/distributions/{distribution.pk}/"
    page.goto(url)
    page.evaluate("window.notReloaded = true")
    bar = page.locator("#basket-bar")
    expect(bar).to_contain_text("Votre panier est vide")
    _shot(page, artifacts_dir, "empty")

    add_first = page.get_by_role("button", name=f"Ajouter un {first.product.name}")
    add_first.click()
    expect(page.locator(f"#feedback-{first.pk}")).to_have_text("1 dans le panier", timeout=WAIT)
    add_first.click()
    expect(page.locator(f"#feedback-{first.pk}")).to_have_text("2 dans le panier", timeout=WAIT)
    expect(page.locator(f"#qty-{first.pk}")).to_have_value("2")
    expect(bar).to_contain_text("2 articles")
    expect(bar).to_contain_text(_eur(2 * first.price_cents))
    _settled(page)

    page.get_by_role("button", name=f"Ajouter un {second.product.name}").click()
    total = 2 * first.price_cents + second.price_cents
    expect(bar).to_contain_text("3 articles", timeout=WAIT)
    expect(bar).to_contain_text(_eur(total))
    expect(page.locator("#basket-status")).to_contain_text(f"Total du panier : {_eur(total)}")
    _settled(page)
    page.get_by_role("button", name=f"Retirer un {first.product.name}").click()
    expect(bar).to_contain_text("2 articles", timeout=WAIT)
    expect(page.locator(f"#feedback-{first.pk}")).to_have_text("1 dans le panier")
    _settled(page)
    page.locator(f"#offer-{second.pk}").scroll_into_view_if_needed()
    _shot(page, artifacts_dir, "filled")

    # The last card stays above the bar: the page ends with room for it.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    last = page.locator(".product-card").last.bounding_box()
    footer = page.locator(".site-footer").bounding_box()
    assert bar.bounding_box()["y"] >= footer["y"] + footer["height"] - 1
    assert last["y"] + last["height"] <= footer["y"]
    _shot(page, artifacts_dir, "bottom")

    # A quantity that cannot be had: refused on the card, the basket unchanged.
    field = page.locator(f"#qty-{second.pk}")
    field.fill("99999")
    field.press("Enter")
    card = page.locator(f"#offer-{second.pk}")
    left = Offer.objects.get(pk=second.pk).remaining
    expect(card.locator(".card-error")).to_have_text(
        f"Il ne reste que {left} {second.product.name}.", timeout=WAIT
    )
    expect(field).to_have_value("1")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(bar).to_contain_text("2 articles")
    _settled(page)
    card.scroll_into_view_if_needed()
    _shot(page, artifacts_dir, "refused")

    # The search filters the cards in place.
    page.locator("#shop-q").fill(first.product.name)
    expect(page.locator(f"#offer-{first.pk}")).to_be_visible()
    expect(page.locator(f"#offer-{second.pk}")).to_be_hidden()
    page.locator("#shop-q").fill("zzz introuvable")
    expect(page.locator("#shop-empty")).to_have_text(
        "Aucun produit ne correspond à votre recherche."
    )
    _shot(page, artifacts_dir, "search-empty")
    page.locator("#shop-q").fill("")
    expect(page.locator(f"#offer-{second.pk}")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True


def test_a_product_that_runs_out_before_ordering_is_named_on_its_card(
    live_server, page: Page, artifacts_dir
):
    call_command("seed_demo", verbosity=0)
    distribution, first, second = _two_offers()
    page.set_viewport_size({"width": 390, "height": 844})
    _log_in(page, live_server.url)
    page.goto(
        f"{live_server.url}/points-relais/{distribution.pickup_point.slug}/distributions/{distribution.pk}/"
    )
    field = page.locator(f"#qty-{first.pk}")
    field.fill("3")
    field.dispatch_event("change")
    expect(page.locator(f"#feedback-{first.pk}")).to_have_text("3 dans le panier", timeout=WAIT)
    _settled(page)
    page.get_by_role("button", name=f"Ajouter un {second.product.name}").click()
    expect(page.locator("#basket-bar")).to_contain_text("4 articles", timeout=WAIT)
    _settled(page)

    # Meanwhile a neighbour takes all but one.
    left = Offer.objects.get(pk=first.pk).remaining
    place_order(
        household=UserFactory(),
        distribution=distribution,
        lines={first.pk: left - 1},
        idempotency_key="neighbour",
    )
    page.locator("#basket-bar").get_by_role("button", name="Commander").click()

    card = page.locator(f"#offer-{first.pk}")
    expect(card.locator(".card-error")).to_have_text(
        f"Il ne reste que 1 {first.product.name} : votre panier en compte maintenant 1.",
        timeout=WAIT,
    )
    expect(page.locator(".message-error")).to_contain_text("Votre panier a changé")
    expect(page.locator(f"#qty-{first.pk}")).to_have_value("1")
    expect(page.locator("#basket-bar")).to_contain_text("2 articles")
    assert not Order.objects.filter(
        household__email=demo_email("foyer"),
        distribution=distribution,
        idempotency_key__startswith="basket-",
    ).exists()
    card.scroll_into_view_if_needed()
    _shot(page, artifacts_dir, "ran-out")
