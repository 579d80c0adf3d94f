"""Money-moving actions of the order and host pages ask first: the action's URL asked with GET
is the confirm page saying the consequence, and a POST without ``confirm=1`` is refused with
that page (400) and changes nothing."""

import pytest
from django.urls import reverse

from orders.services import pay_order, place_order
from pickup.models import Distribution
from tests.factories import UserFactory
from tests.payments.fakes import VISA

pytestmark = pytest.mark.django_db


def _paid(market, key, household=None):
    order = place_order(
        household=household or market.household,
        distribution=market.distribution,
        lines={market.a.offers[0].pk: 1},
        idempotency_key=key,
    )
    pay_order(order=order, payment_method=VISA)
    return order


def test_cancelling_an_order_shows_the_confirm_page_and_refuses_a_bare_post(
    client, market, fake_stripe
):
    order = _paid(market, "o")
    client.force_login(market.household)
    url = reverse("frontend:orders:change", args=[order.pk])

    page = client.get(url, {"action": "cancel"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Son 1 produit est remis en vente. Les 3,00\u00a0€ payés vous sont rendus." in text
    assert 'name="confirm" value="1"' in text and 'name="action" value="cancel"' in text

    refused = client.post(url, {"action": "cancel"})
    assert refused.status_code == 400 and "Annuler la commande n°" in refused.content.decode()
    order.refresh_from_db()
    assert order.status == "paid"


def test_cancelling_a_distribution_counts_the_orders_refunded(client, market, fake_stripe):
    _paid(market, "a")
    _paid(market, "b", household=UserFactory())
    host = UserFactory()
    market.distribution.pickup_point.hosts.add(host)
    client.force_login(host)
    cancel = reverse("frontend:day:cancel", args=[market.distribution.pk])
    move = reverse("frontend:host_distribution_move", args=[market.distribution.pk])

    page = client.get(cancel).content.decode()
    assert "2 commandes seront annulées et remboursées" in page
    dashboard = client.get(reverse("frontend:host_dashboard")).content.decode()
    assert "2 commandes seront annulées et remboursées" in dashboard  # the dialog
    assert "2 commandes reçues pour l’instant" in dashboard
    assert client.post(cancel).status_code == 400
    assert client.post(move, {"status": "cancelled"}).status_code == 400
    market.distribution.refresh_from_db()
    assert market.distribution.status == Distribution.Status.OPEN

    client.post(cancel, {"confirm": "1"})
    market.distribution.refresh_from_db()
    assert market.distribution.status == Distribution.Status.CANCELLED


def test_closing_the_sale_asks_first(client, market, fake_stripe):
    _paid(market, "a")
    host = UserFactory()
    market.distribution.pickup_point.hosts.add(host)
    client.force_login(host)
    url = reverse("frontend:host_distribution_close", args=[market.distribution.pk])

    page = client.get(url)
    assert page.status_code == 200 and "1 commande payée est débitée" in page.content.decode()
    assert client.post(url).status_code == 400
    market.distribution.refresh_from_db()
    assert market.distribution.status == Distribution.Status.OPEN
