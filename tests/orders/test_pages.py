"""The household's pages: basket (htmx), checkout, payment, "My orders", changes; the host's
close button."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from orders.models import Order
from tests.factories import UserFactory
from tests.payments.fakes import VISA

pytestmark = pytest.mark.django_db


def _catalogue_url(distribution):
    return reverse(
        "frontend:distribution_catalogue", args=[distribution.pickup_point.slug, distribution.pk]
    )


def _add(client, market, offer, quantity):
    return client.post(
        reverse("frontend:orders:basket_update", args=[market.distribution.pk]),
        {"offer": offer.pk, "quantity": quantity},
        HTTP_HX_REQUEST="true",
    )


def test_the_basket_updates_without_a_reload_and_shows_what_is_left_to_unlock(client, market):
    client.force_login(market.household)
    response = _add(client, market, market.b.offers[0], 2)  # 8.70 € of farm B's 20 € minimum

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # a fragment for htmx
    assert "8,70\u00a0€" in html
    assert "11,30\u00a0€" in html  # left to unlock
    html = _add(client, market, market.a.offers[0], 1).content.decode()
    assert "11,70\u00a0€" in html  # total
    html = _add(client, market, market.b.offers[0], 0).content.decode()
    assert "3,00\u00a0€" in html and "left to unlock" not in html.lower()

    page = client.get(_catalogue_url(market.distribution)).content.decode()
    assert 'id="basket"' in page and 'hx-post="' in page


def test_checkout_places_the_order_once_and_payment_makes_it_paid(
    client, market, fake_stripe, settings
):
    client.force_login(market.household)
    _add(client, market, market.a.offers[0], 2)
    checkout_url = reverse("frontend:orders:checkout", args=[market.distribution.pk])
    response = client.post(checkout_url)
    order = Order.objects.get()
    assert response.url == reverse("frontend:orders:pay", args=[order.pk])
    assert order.total_cents == 600

    page = client.get(response.url).content.decode()
    assert settings.STRIPE_JS_URL in page
    assert "seti_" in page  # the SetupIntent's secret for confirmCardSetup

    paid = client.post(response.url, {"payment_method": VISA})
    assert paid.url == reverse("frontend:orders:detail", args=[order.pk])
    order.refresh_from_db()
    assert order.status == "paid"
    listing = client.get(reverse("frontend:orders:list")).content.decode()
    assert f"/commandes/{order.pk}/" in listing
    assert "My orders" in listing or "Mes commandes" in listing


def test_an_order_page_shows_lines_status_and_access_instructions_to_its_household_only(
    client, market, fake_stripe
):
    point = market.distribution.pickup_point
    point.access_instructions = "Code portail 1234"
    point.save()
    from orders.services import place_order

    order = place_order(
        household=market.household,
        distribution=market.distribution,
        lines={market.a.offers[0].pk: 1},
        idempotency_key="p",
    )
    client.force_login(market.household)
    page = client.get(reverse("frontend:orders:detail", args=[order.pk])).content.decode()
    assert "Code portail 1234" in page
    assert market.a.offers[0].product.name in page

    client.force_login(UserFactory())
    assert client.get(reverse("frontend:orders:detail", args=[order.pk])).status_code == 404


def test_a_household_lowers_then_cancels_before_the_cutoff(client, market, fake_stripe):
    from orders.services import place_order

    order = place_order(
        household=market.household,
        distribution=market.distribution,
        lines={market.a.offers[0].pk: 3},
        idempotency_key="p",
    )
    line = order.lines.get()
    client.force_login(market.household)
    url = reverse("frontend:orders:change", args=[order.pk])
    client.post(url, {f"line-{line.pk}": "1", "action": "change"})
    order.refresh_from_db()
    assert order.total_cents == 300
    client.post(url, {"action": "cancel", "confirm": "1"})
    order.refresh_from_db()
    assert order.status == "cancelled"


def test_the_host_closes_the_sale_after_the_cutoff(client, market, fake_stripe):
    from orders.services import pay_order, place_order

    host = UserFactory()
    market.distribution.pickup_point.hosts.add(host)
    order = place_order(
        household=market.household,
        distribution=market.distribution,
        lines={market.a.offers[0].pk: 1},
        idempotency_key="h",
    )
    pay_order(order=order, payment_method=VISA)
    client.force_login(host)
    close_url = reverse("frontend:host_distribution_close", args=[market.distribution.pk])
    assert close_url not in client.get(reverse("frontend:host_dashboard")).content.decode()

    with time_machine.travel(market.distribution.cutoff_at + timedelta(minutes=5)):
        assert close_url in client.get(reverse("frontend:host_dashboard")).content.decode()
        client.post(close_url, {"confirm": "1"})
    order.refresh_from_db()
    assert order.status == "confirmed"

    client.force_login(UserFactory())
    assert client.post(close_url, {"confirm": "1"}).status_code == 404


def test_what_is_left_to_unlock_counts_paid_orders_only_as_the_close_does(
    client, market, fake_stripe
):
    from orders.services import pay_order, place_order

    other = place_order(
        household=UserFactory(),
        distribution=market.distribution,
        lines={market.b.offers[0].pk: 2},  # 8.70 € of farm B's 20 € minimum, not paid yet
        idempotency_key="unpaid-neighbour",
    )
    client.force_login(market.household)
    html = _add(client, market, market.b.offers[0], 2).content.decode()
    assert "11,30\u00a0€" in html  # the unpaid order unlocks nothing: the close cancels it
    pay_order(order=other, payment_method=VISA)
    html = _add(client, market, market.b.offers[0], 2).content.decode()
    assert "2,60\u00a0€" in html  # 20 € − 8.70 € paid − 8.70 € in the basket
