"""A host stops hosting a farm: asked first, with what it does counted from the database."""

from html import unescape

import pytest
from django.urls import reverse

from orders.services import place_order
from pickup.models import Supplier
from tests.factories import UserFactory
from tests.orders.conftest import market, stocked_farm  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def hosted(market):  # noqa: F811
    """The market's host; two households ordered farm A, one of them farm B too."""
    host = UserFactory()
    market.distribution.pickup_point.hosts.add(host)
    apples, _pears = market.a.offers
    (honey,) = market.b.offers
    for key, lines in (("1", {apples.pk: 1}), ("2", {apples.pk: 2, honey.pk: 1})):
        place_order(
            household=UserFactory(),
            distribution=market.distribution,
            lines=lines,
            idempotency_key=key,
        )
    supplier = Supplier.objects.get(
        producer=market.a.producer, pickup_point=market.distribution.pickup_point
    )
    return market, host, supplier


def _url(supplier):
    return reverse("frontend:host_supply_decide", args=[supplier.pk])


def test_a_bare_post_gets_the_confirm_page_and_the_farm_stays(hosted, client):
    sale, host, supplier = hosted
    client.force_login(host)
    response = client.post(_url(supplier), {"decision": "refuse"})
    assert response.status_code == 400
    html = response.content.decode()
    assert f"Ne plus accueillir {sale.a.producer.name} ?" in html
    assert "2 commandes déjà passées avec ses produits ne changent pas" in html
    supplier.refresh_from_db()
    assert supplier.status == Supplier.Status.APPROVED


def test_confirmed_the_farm_leaves_the_catalogue_and_its_orders_stay(hosted, client):
    sale, host, supplier = hosted
    client.force_login(host)
    response = client.post(_url(supplier), {"decision": "refuse", "confirm": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("frontend:host_dashboard")
    supplier.refresh_from_db()
    assert supplier.status == Supplier.Status.REFUSED
    assert sale.distribution.orders.filter(status="awaiting_payment").count() == 2
    catalogue = client.get(
        reverse(
            "frontend:distribution_catalogue",
            args=[sale.distribution.pickup_point.slug, sale.distribution.pk],
        )
    ).content.decode()
    assert sale.a.offers[0].product.name not in catalogue
    assert sale.b.offers[0].product.name in catalogue


def test_the_dashboard_dialog_says_the_consequence_for_each_farm(hosted, client):
    sale, host, supplier = hosted
    client.force_login(host)
    html = client.get(reverse("frontend:host_dashboard")).content.decode()
    point = sale.distribution.pickup_point.name
    assert html.count(f"Ses produits quittent le catalogue de {point}") == 2
    assert "2 commandes déjà passées avec ses produits ne changent pas" in html  # farm A
    assert "1 commande déjà passée avec ses produits ne change pas" in html  # farm B
    assert f'href="{_url(supplier)}?decision=refuse"' in html
    assert 'class="button confirm-button button-small button-danger"' in html


def test_a_farm_without_waiting_orders_is_told_so(hosted, client):
    sale, host, _supplier = hosted
    sale.distribution.orders.update(status="cancelled")
    client.force_login(host)
    supplier = Supplier.objects.get(producer=sale.b.producer)
    response = client.get(_url(supplier), {"decision": "refuse"})
    assert response.status_code == 200
    assert "Aucune commande de ses produits n'est en attente." in unescape(
        response.content.decode()
    )


def test_approving_or_refusing_a_request_still_needs_no_confirm(hosted, client):
    _market, host, supplier = hosted
    supplier.status = Supplier.Status.PENDING
    supplier.save()
    client.force_login(host)
    client.post(_url(supplier), {"decision": "refuse"})
    supplier.refresh_from_db()
    assert supplier.status == Supplier.Status.REFUSED
    client.post(_url(supplier), {"decision": "approve"})
    supplier.refresh_from_db()
    assert supplier.status == Supplier.Status.APPROVED


def test_the_dashboard_counts_in_one_query_whatever_the_farms(
    hosted, client, django_assert_max_num_queries
):
    sale, host, _supplier = hosted
    client.force_login(host)
    url = reverse("frontend:host_dashboard")
    client.get(url)
    with django_assert_max_num_queries(40) as before:
        client.get(url)
    for n in range(4):
        stocked_farm(sale.distribution, name=f"Ferme {n}")
    with django_assert_max_num_queries(len(before)):
        client.get(url)
