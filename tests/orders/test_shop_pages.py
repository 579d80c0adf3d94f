"""The catalogue as a shop: quantities refused next to their product (never a 404), the
search and category filter, the basket bar, a checkout refused for stock naming each product,
the basket kept through logging in."""

import re

import pytest
from django.urls import reverse

from accounts.demo import DEMO_PASSWORD
from orders.models import Order
from orders.services import place_order
from producers.models import Offer
from tests.factories import DistributionFactory, UserFactory
from tests.orders.conftest import stocked_farm

pytestmark = pytest.mark.django_db


def _catalogue_url(distribution, query=""):
    url = reverse(
        "frontend:distribution_catalogue", args=[distribution.pickup_point.slug, distribution.pk]
    )
    return f"{url}?{query}" if query else url


def _update(client, distribution, offer_id, quantity, *, htmx=True, **extra):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(
        reverse("frontend:orders:basket_update", args=[distribution.pk]),
        {"offer": offer_id, "quantity": quantity, **extra},
        **headers,
    )


def _basket_lines(client, distribution) -> dict:
    baskets = client.session.get("baskets", {})
    return (baskets.get(str(distribution.pk)) or {"lines": {}})["lines"]


def _card(html: str, offer) -> str:
    """The product card of ``offer`` in a catalogue page."""
    start = html.index(f'id="offer-{offer.pk}"')
    return html[start : html.index("</li>", start)]


@pytest.fixture
def butter(market):
    """Farm A's first offer, renamed, with 3 left."""
    offer = market.a.offers[0]
    offer.product.name = "Beurre doux"
    offer.product.save()
    Offer.objects.filter(pk=offer.pk).update(remaining=3)
    offer.refresh_from_db()
    return offer


@pytest.mark.parametrize(
    ("typed", "refusal"),
    [
        ("-1", "Indiquez un nombre entier de 0 à 3."),
        ("2.5", "Indiquez un nombre entier de 0 à 3."),
        ("abc", "Indiquez un nombre entier de 0 à 3."),
        ("99999", "Il ne reste que 3 Beurre doux."),
        ("4", "Il ne reste que 3 Beurre doux."),
    ],
)
def test_a_bad_quantity_is_refused_next_to_its_product_and_changes_nothing(
    client, market, butter, typed, refusal
):
    assert _update(client, market.distribution, butter.pk, 2).status_code == 200

    response = _update(client, market.distribution, butter.pk, typed)
    html = response.content.decode()
    assert response.status_code == 200  # htmx swaps it in
    assert f'id="order-{butter.pk}"' in html  # the product's stepper...
    assert f'id="feedback-{butter.pk}" hx-swap-oob' in html  # ...and its message
    assert refusal in html
    assert 'value="2"' in html and 'aria-invalid="true"' in html  # the quantity kept
    assert _basket_lines(client, market.distribution) == {str(butter.pk): 2}

    # Without JavaScript: the catalogue, the refusal inside the product's card.
    response = _update(client, market.distribution, butter.pk, typed, htmx=False)
    assert response.status_code == 422
    assert refusal in _card(response.content.decode(), butter)
    assert _basket_lines(client, market.distribution) == {str(butter.pk): 2}


def test_a_sold_out_product_can_only_be_taken_out(client, market, butter):
    _update(client, market.distribution, butter.pk, 2)
    Offer.objects.filter(pk=butter.pk).update(remaining=0)
    assert "Il n’y a plus de Beurre doux." in _update(
        client, market.distribution, butter.pk, 1
    ).content.decode("utf-8")
    html = _update(client, market.distribution, butter.pk, 0).content.decode()
    assert "Retiré du panier." in html
    assert _basket_lines(client, market.distribution) == {}


def test_an_offer_of_another_distribution_or_unknown_is_a_clear_refusal_not_a_404(
    client, market, butter
):
    generic = "Ce produit n’est pas proposé à cette distribution."
    elsewhere = stocked_farm(DistributionFactory()).offers[0]
    for offer_id in (elsewhere.pk, 999999):
        response = _update(client, market.distribution, offer_id, 1)
        assert response.status_code == 200  # on the card that sent it
        html = response.content.decode()
        assert generic in html and f'id="order-{offer_id}"' in html
        assert elsewhere.product.name not in html
        page = _update(client, market.distribution, offer_id, 1, htmx=False)
        assert page.status_code == 422
        assert generic in page.content.decode()
    assert _basket_lines(client, market.distribution) == {}

    for offer_id in ("abc", ""):
        response = _update(client, market.distribution, offer_id, 1)
        assert response.status_code == 422
        assert generic in response.content.decode()
        page = _update(client, market.distribution, offer_id, 1, htmx=False)
        assert page.status_code == 422
        assert generic in page.content.decode()


def test_a_product_withdrawn_from_the_basket_meanwhile_is_named_and_taken_out(
    client, market, butter
):
    _update(client, market.distribution, butter.pk, 2)
    butter.product.is_active = False
    butter.product.save()
    html = _update(client, market.distribution, butter.pk, 3).content.decode()
    assert "Beurre doux n’est plus proposé." in html
    assert "Votre panier est vide." in html
    assert _basket_lines(client, market.distribution) == {}


def test_the_steppers_work_without_javascript(client, market, butter):
    response = _update(client, market.distribution, butter.pk, 1, htmx=False, step="1")
    assert response.status_code == 302
    assert response.url.endswith(f"#offer-{butter.pk}")  # back at the product
    assert _basket_lines(client, market.distribution) == {str(butter.pk): 2}
    _update(client, market.distribution, butter.pk, 2, htmx=False, step="-1")
    assert _basket_lines(client, market.distribution) == {str(butter.pk): 1}
    _update(client, market.distribution, butter.pk, 0, htmx=False, step="-1")
    assert _basket_lines(client, market.distribution) == {}
    html = client.get(_catalogue_url(market.distribution)).content.decode()
    card = _card(html, butter)
    assert 'aria-label="Retirer un Beurre doux"' in card
    assert 'aria-label="Ajouter un Beurre doux"' in card
    assert 'inputmode="numeric"' in card
    assert "Plus que 3" in card


def test_the_basket_bar_counts_items_and_totals_in_place(client, market, butter):
    html = _update(client, market.distribution, butter.pk, 1).content.decode()
    bar = html[html.index('id="basket-bar"') :]
    assert 'hx-swap-oob="outerHTML"' in bar[:80]
    assert "1 article" in bar and "3,00\u00a0€" in bar
    assert "1 dans le panier" in html
    html = _update(client, market.distribution, market.b.offers[0].pk, 2).content.decode()
    bar = html[html.index('id="basket-bar"') :]
    assert "3 articles" in bar and "11,70\u00a0€" in bar  # 3.00 € + 2 × 4.35 €
    assert "Total du panier : 11,70\u00a0€" in html  # the spoken status
    page = client.get(_catalogue_url(market.distribution)).content.decode()
    assert "3 articles" in page[page.index('id="basket-bar"') :]
    assert "Commander" in page  # a visitor logs in from it
    assert "?next=" + _catalogue_url(market.distribution) + '"' in page


def _shown_cards(html: str) -> set[str]:
    return set(re.findall(r'<li class="product-card" id="offer-(\d+)"[^>]*?(?<!hidden)>', html))


def test_search_and_category_filter_the_cards_on_the_server(client, market, butter):
    tomme = Offer.objects.create(
        catalogue=market.b.offers[0].catalogue,
        product=market.b.producer.products.create(
            name="Tomme de Flandre",
            category="dairy",
            unit="g",
            quantity_per_unit=500,
            price_cents=900,
        ),
        price_cents=900,
        quantity=5,
        remaining=5,
    )
    html = client.get(_catalogue_url(market.distribution)).content.decode()
    assert _shown_cards(html) == {str(o.pk) for o in [*market.a.offers, *market.b.offers, tomme]}
    # Only the categories on sale this week are offered.
    assert '<option value="dairy"' in html and '<option value="vegetables"' in html
    assert '<option value="honey"' not in html

    html = client.get(_catalogue_url(market.distribution, "categorie=dairy")).content.decode()
    assert _shown_cards(html) == {str(tomme.pk)}
    assert '<option value="dairy" selected>' in html
    html = client.get(_catalogue_url(market.distribution, "q=BEURRE")).content.decode()
    assert _shown_cards(html) == {str(butter.pk)}
    html = client.get(_catalogue_url(market.distribution, "q=flandre")).content.decode()
    assert _shown_cards(html) == {str(tomme.pk)}
    # Accents aside, every word; the farm's name counts.
    farm_word = market.b.producer.name.split()[0]
    html = client.get(_catalogue_url(market.distribution, f"q={farm_word}")).content.decode()
    assert str(tomme.pk) in _shown_cards(html)
    html = client.get(_catalogue_url(market.distribution, "q=tomme&categorie=vegetables"))
    html = html.content.decode()
    assert _shown_cards(html) == set()
    assert "Aucun produit ne correspond à votre recherche." in html
    html = client.get(_catalogue_url(market.distribution, "categorie=nope")).content.decode()
    assert len(_shown_cards(html)) == 4  # an unknown category filters nothing


def test_checkout_refused_for_stock_names_each_product_and_lowers_the_basket(
    client, market, butter, fake_stripe
):
    bread = market.a.offers[1]
    client.force_login(market.household)
    _update(client, market.distribution, butter.pk, 3)
    _update(client, market.distribution, bread.pk, 2)
    neighbour = UserFactory()
    place_order(  # the neighbour takes 2 butters and every bread meanwhile
        household=neighbour,
        distribution=market.distribution,
        lines={butter.pk: 2, bread.pk: 10},
        idempotency_key="neighbour",
    )
    response = client.post(reverse("frontend:orders:checkout", args=[market.distribution.pk]))
    assert response.url == _catalogue_url(market.distribution)
    assert not Order.objects.filter(household=market.household).exists()
    assert _basket_lines(client, market.distribution) == {str(butter.pk): 1}

    html = client.get(response.url).content.decode()
    assert "Votre panier a changé" in html
    assert "Il ne reste que 1 Beurre doux : votre panier en compte maintenant 1." in _card(
        html, butter
    )
    assert f"Il n’y a plus de {bread.product.name} entre-temps" in _card(html, bread)
    assert 'value="1"' in _card(html, butter)
    # Said once: the next page is clean.
    assert "Il ne reste que" not in client.get(response.url).content.decode()

    response = client.post(reverse("frontend:orders:checkout", args=[market.distribution.pk]))
    order = Order.objects.get(household=market.household)
    assert response.url == reverse("frontend:orders:pay", args=[order.pk])
    assert order.total_cents == 300


def test_checkout_names_a_product_no_longer_on_sale(client, market, butter):
    client.force_login(market.household)
    _update(client, market.distribution, butter.pk, 1)
    _update(client, market.distribution, market.b.offers[0].pk, 1)
    butter.product.is_active = False
    butter.product.save()
    response = client.post(reverse("frontend:orders:checkout", args=[market.distribution.pk]))
    assert response.url == _catalogue_url(market.distribution)
    assert not Order.objects.exists()
    html = client.get(response.url).content.decode()
    assert "Beurre doux n’est plus proposé. Votre panier est mis à jour." in html
    assert _basket_lines(client, market.distribution) == {str(market.b.offers[0].pk): 1}


def test_a_visitors_basket_survives_logging_in_from_the_order_button(client, market, butter):
    household = UserFactory(email="panier@exemple.fr")
    household.set_password(DEMO_PASSWORD)
    household.save()
    _update(client, market.distribution, butter.pk, 2)
    page = client.get(_catalogue_url(market.distribution)).content.decode()
    login = re.search(r'href="(/compte/connexion/\?next=[^"]+)"', page).group(1)
    response = client.post(
        login.replace("&amp;", "&"),
        {"username": "panier@exemple.fr", "password": DEMO_PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == _catalogue_url(market.distribution)
    page = client.get(response.url).content.decode()
    assert "2 dans le panier" in _card(page, butter)
    assert reverse("frontend:orders:checkout", args=[market.distribution.pk]) in page
