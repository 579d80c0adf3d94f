"""Hosts', producers' and households' distribution-day pages, and who may open them."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from orders.models import Order
from tests.handover.test_api import people  # noqa: F401

pytestmark = pytest.mark.django_db


def _pages(day):
    d, order = day.distribution.pk, day.orders[1].pk
    slug = day.market.a.producer.slug
    host = [
        ("get", reverse("frontend:day:packing_list", args=[d])),
        ("get", reverse("frontend:day:packing_list", args=[d]) + "?format=csv"),
        ("get", reverse("frontend:day:labels", args=[d])),
        ("get", reverse("frontend:day:handover", args=[d]) + "?q=a"),
        ("post", reverse("frontend:day:collect", args=[order])),
        ("post", reverse("frontend:day:undo", args=[order])),
        ("get", reverse("frontend:day:cancel", args=[d])),  # its confirm page
    ]
    farm_a = [
        ("get", reverse("frontend:day:producer_index", args=[slug])),
        ("get", reverse("frontend:day:producer_picking", args=[slug, d])),
        ("get", reverse("frontend:day:producer_picking", args=[slug, d]) + "?format=csv"),
        (
            "get",
            reverse("frontend:day:producer_week", args=[slug, f"{day.distribution.week:%Y-%m-%d}"]),
        ),
        ("get", reverse("frontend:day:producer_statement", args=[slug, d])),
    ]
    return {"host_x": host, "producer_a": farm_a}


@pytest.mark.parametrize(
    "who", ["host_x", "host_y", "producer_a", "producer_b", "household", "anonymous"]
)
def test_page_permission_matrix(closed_day, people, client, who):  # noqa: F811
    user = people[who]
    if user is not None:
        client.force_login(user)
    for owner, calls in _pages(closed_day).items():
        for method, url in calls:
            response = getattr(client, method)(url)
            if user is None:
                assert response.status_code == 302 and "/compte/" in response["Location"], url
            elif who == owner:
                assert response.status_code in (200, 302), (url, response.status_code)
            else:
                assert response.status_code == 404, (who, url, response.status_code)


def test_packing_list_page_is_printable_and_complete(closed_day, client):
    client.force_login(closed_day.host)
    response = client.get(reverse("frontend:day:packing_list", args=[closed_day.distribution.pk]))
    html = response.content.decode()
    assert "distribution-day.css" in html
    positions = [html.index(name) for name in ("Amine Durand", "Chloé Petit", "Zoé Martin")]
    assert positions == sorted(positions)
    for order in closed_day.orders:
        assert order.pickup_code in html
    labels = client.get(reverse("frontend:day:labels", args=[closed_day.distribution.pk]))
    main = labels.content.decode().split('<main id="main"')[1]
    assert main.count("<svg") == 3  # one QR code a label (the header has its icons)


def test_one_tap_collect_with_htmx_updates_the_row_and_the_counter(closed_day, client):
    client.force_login(closed_day.host)
    order = closed_day.orders[2]
    url = reverse("frontend:day:collect", args=[order.pk])
    with time_machine.travel(closed_day.distribution.starts_at, tick=False):
        response = client.post(url, HTTP_HX_REQUEST="true")
        html = response.content.decode()
        assert "is-collected" in html
        # The counter's content only: the live region in the page stays and is announced.
        assert 'id="handover-counter" class="handover-counter" hx-swap-oob="innerHTML"' in html
        assert 'data-left="2"' in html
        assert reverse("frontend:day:undo", args=[order.pk]) in html
    with time_machine.travel(closed_day.distribution.starts_at + timedelta(minutes=2), tick=False):
        later = client.post(reverse("frontend:day:undo", args=[order.pk]), HTTP_HX_REQUEST="true")
        assert "is-collected" in later.content.decode()
        assert reverse("frontend:day:undo", args=[order.pk]) not in later.content.decode()
    assert Order.objects.get(pk=order.pk).collected_at is not None


def test_handover_search_by_code_returns_the_one_order(closed_day, client):
    client.force_login(closed_day.host)
    order = closed_day.orders[0]
    response = client.get(
        reverse("frontend:day:handover", args=[closed_day.distribution.pk]),
        {"q": f" {order.pickup_code.lower()} "},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="handover-results",
    )
    html = response.content.decode()
    assert html.count('class="handover-row') == 1 and f"order-{order.pk}" in html


def test_household_sees_pickup_code_qr_slot_and_access(closed_day, client):
    order = closed_day.orders[0]
    point = closed_day.distribution.pickup_point
    point.access_instructions = "Sonnez au 2e, porte bleue"
    point.save()
    client.force_login(order.household)
    html = client.get(reverse("frontend:orders:detail", args=[order.pk])).content.decode()
    assert order.pickup_code in html and "<svg" in html and "porte bleue" in html
    Order.objects.filter(pk=order.pk).update(status="no_show")
    html = client.get(reverse("frontend:orders:detail", args=[order.pk])).content.decode()
    assert 'data-status="no_show"' in html


def test_no_show_count_is_shown_to_the_host(closed_day, client):
    household = closed_day.orders[0].household
    Order.objects.create(
        household=household,
        distribution=closed_day.distribution,
        idempotency_key="old",
        status="no_show",
        pickup_code="OLD00",
    )
    client.force_login(closed_day.host)
    html = client.get(
        reverse("frontend:day:handover", args=[closed_day.distribution.pk])
    ).content.decode()
    assert 'data-no-shows="1"' in html
