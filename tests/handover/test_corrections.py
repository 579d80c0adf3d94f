"""A farm's corrections after the close, through its API and its phone page: stable codes,
the line and its audit trail in the answer, the household refunded once."""

import pytest

from orders.models import LineChange, OrderLine
from orders.services import pay_order, place_order
from payments.models import Refund
from tests.factories import UserFactory
from tests.payments.fakes import VISA

pytestmark = pytest.mark.django_db

BASE = "/api/v1/distribution-day/producers"


@pytest.fixture
def farm(closed_day):
    member = UserFactory(full_name="Paysanne A")
    closed_day.market.a.producer.members.add(member)
    return member


def _apples_line(day):
    apples = day.market.a.offers[0]
    return OrderLine.objects.get(order=day.orders[0], offer=apples)  # 3 × 3.00 €


def test_the_api_marks_a_line_short_once_and_names_the_refusals(
    closed_day, farm, api_client, django_capture_on_commit_callbacks
):
    day = closed_day
    a, b = day.market.a.producer.pk, day.market.b.producer.pk
    line = _apples_line(day)
    api_client.force_authenticate(farm)

    listed = api_client.get(f"{BASE}/{a}/distributions/{day.distribution.pk}/lines/")
    assert listed.status_code == 200
    assert {row["id"] for row in listed.json()} == set(
        OrderLine.objects.filter(
            producer_id=a, order__status__in=["confirmed", "cancelled"]
        ).values_list("pk", flat=True)
    )

    url = f"{BASE}/{a}/lines/{line.pk}/delivered/"
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = api_client.post(url, {"delivered": 1}, format="json")
        assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["ordered_quantity"], body["delivered_quantity"], body["status"]) == (
        3,
        1,
        "active",
    )
    assert [(c["quantity_before"], c["quantity_after"], c["by"]) for c in body["changes"]] == [
        (3, 1, "Paysanne A")
    ]
    assert [r.amount_cents for r in Refund.objects.filter(reason="short")] == [600]

    def code(response):
        return response.status_code, response.json()["code"]

    assert code(api_client.post(url, {"delivered": 2}, format="json")) == (
        400,
        "quantity_above_ordered",
    )
    assert code(api_client.post(url, {"delivered": -1}, format="json")) == (400, "invalid")
    assert code(api_client.post(url, {}, format="json")) == (400, "invalid")
    # another farm's line, or the line through another farm: 404
    other = UserFactory()
    day.market.b.producer.members.add(other)
    api_client.force_authenticate(other)
    response = api_client.post(f"{BASE}/{b}/lines/{line.pk}/delivered/", {"delivered": 0})
    assert code(response) == (404, "line_not_found")
    assert api_client.post(url, {"delivered": 0}).status_code == 404  # not a member of farm A
    # farm B's lines were below its minimum: not sold
    honey_line = OrderLine.objects.filter(producer_id=b).first()
    response = api_client.post(f"{BASE}/{b}/lines/{honey_line.pk}/delivered/", {"delivered": 0})
    assert code(response) == (409, "line_not_sold")
    # handed over: the household checked its bag
    api_client.force_authenticate(farm)
    collected = day.orders[1]
    collected.collected_at = collected.created_at
    collected.save()
    pears_line = OrderLine.objects.filter(order=collected, producer_id=a).first()
    response = api_client.post(f"{BASE}/{a}/lines/{pears_line.pk}/delivered/", {"delivered": 0})
    assert code(response) == (409, "already_handed_over")


def test_not_closed_yet_is_409(market, fake_stripe, api_client):
    member = UserFactory()
    market.a.producer.members.add(member)
    order = place_order(
        household=UserFactory(),
        distribution=market.distribution,
        lines={market.a.offers[0].pk: 1},
        idempotency_key="o",
    )
    pay_order(order=order, payment_method=VISA)
    api_client.force_authenticate(member)
    line = order.lines.get()
    response = api_client.post(
        f"{BASE}/{market.a.producer.pk}/lines/{line.pk}/delivered/", {"delivered": 0}
    )
    assert (response.status_code, response.json()["code"]) == (409, "sale_not_closed")


def test_the_phone_page_marks_a_line_missing(
    closed_day, farm, client, django_capture_on_commit_callbacks
):
    day = closed_day
    producer = day.market.a.producer
    line = _apples_line(day)
    client.force_login(farm)
    url = f"/producteur/{producer.slug}/ventes/{day.distribution.pk}/corrections/"
    page = client.get(url)
    assert page.status_code == 200
    assert f'id="line-{line.pk}"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"line": line.pk, "short": "1"})
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.status, line.cancel_reason) == ("cancelled", "short")
    page = client.get(url).content.decode()
    assert "3 → 0" in page and "Paysanne A" in page
    change = LineChange.objects.get(line=line)
    assert change.actor == farm
    # another farm's member gets a 404
    stranger = UserFactory()
    day.market.b.producer.members.add(stranger)
    client.force_login(stranger)
    assert client.get(url).status_code == 404


def test_the_admin_shows_settlements_and_the_audit_trail_read_only(
    closed_day, farm, operator, django_capture_on_commit_callbacks
):
    from orders.models import Settlement
    from orders.services.corrections import mark_delivered

    day = closed_day
    line = _apples_line(day)
    # a settlement made pending again and not run yet: "settle now" runs it
    mark_delivered(producer=line.producer, line_id=line.pk, delivered=2, by=farm)
    settlement = Settlement.objects.get(order=line.order)
    assert settlement.status == "pending"
    assert operator.get("/admin/orders/settlement/").status_code == 200
    assert operator.get("/admin/orders/linechange/").status_code == 200
    assert operator.get(f"/admin/orders/order/{line.order_id}/change/").status_code == 200
    assert (
        operator.get(f"/admin/orders/linechange/{line.changes.get().pk}/change/").status_code == 200
    )
    response = operator.post(
        "/admin/orders/settlement/",
        {"action": "settle_now", "_selected_action": [settlement.pk]},
    )
    assert response.status_code == 302
    settlement.refresh_from_db()
    assert settlement.status == "done" and settlement.round == 1
    assert Refund.objects.get(reason="short").amount_cents == 300
    # nothing can be added, changed or deleted by hand
    assert operator.get("/admin/orders/linechange/add/").status_code == 403
    assert (
        operator.post(f"/admin/orders/linechange/{line.changes.get().pk}/delete/").status_code
        == 403
    )
