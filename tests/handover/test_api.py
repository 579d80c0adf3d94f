"""The distribution-day API: JSON and CSV, and who may see what (everyone else gets a 404)."""

import pytest

from tests.factories import PickupPointFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(closed_day):
    day = closed_day
    host_y = UserFactory()
    PickupPointFactory().hosts.add(host_y)
    producer_a, producer_b = UserFactory(), UserFactory()
    day.market.a.producer.members.add(producer_a)
    day.market.b.producer.members.add(producer_b)
    return {
        "host_x": day.host,
        "host_y": host_y,
        "producer_a": producer_a,
        "producer_b": producer_b,
        "household": day.orders[0].household,
        "anonymous": None,
    }


def _urls(day):
    d, a = day.distribution.pk, day.market.a.producer.pk
    order = day.orders[1].pk
    base = "/api/v1/distribution-day"
    host = {
        ("get", f"{base}/distributions/{d}/packing-list/"),
        ("get", f"{base}/distributions/{d}/packing-list/?format=csv"),
        ("get", f"{base}/distributions/{d}/handover/?q=a"),
        ("post", f"{base}/orders/{order}/collected/"),
        ("delete", f"{base}/orders/{order}/collected/"),
        ("post", f"{base}/distributions/{d}/cancel/"),
    }
    farm_a = {
        ("get", f"{base}/producers/{a}/distributions/{d}/picking/"),
        ("get", f"{base}/producers/{a}/distributions/{d}/picking/?format=csv"),
        ("get", f"{base}/producers/{a}/weeks/{day.distribution.week:%Y-%m-%d}/picking/"),
        ("get", f"{base}/producers/{a}/distributions/{d}/statement/"),
    }
    return {"host_x": host, "producer_a": farm_a}


@pytest.mark.parametrize(
    "who", ["host_x", "host_y", "producer_a", "producer_b", "household", "anonymous"]
)
def test_permission_matrix(closed_day, people, api_client, who):
    urls = _urls(closed_day)
    user = people[who]
    if user is not None:
        api_client.force_authenticate(user)
    for owner, calls in urls.items():
        for method, url in sorted(calls):
            response = getattr(api_client, method)(url)
            if user is None:
                assert response.status_code in (401, 403), (url, response.status_code)
            elif who == owner:
                assert response.status_code in (200, 409), (url, response.status_code)
            else:
                assert response.status_code == 404, (who, url, response.status_code)


def test_packing_list_json_and_csv(closed_day, api_client):
    api_client.force_authenticate(closed_day.host)
    url = f"/api/v1/distribution-day/distributions/{closed_day.distribution.pk}/packing-list/"
    data = api_client.get(url).json()
    assert [b["household"] for b in data] == ["Amine Durand", "Chloé Petit", "Zoé Martin"]
    assert sum(b["total_cents"] for b in data) == (3 * 300 + 199) + 7 * 199 + 300
    csv = api_client.get(url + "?format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Foyer;Code de retrait;")
    assert closed_day.orders[0].pickup_code in text


def test_handover_by_code_collect_and_undo(closed_day, api_client):
    import time_machine

    api_client.force_authenticate(closed_day.host)
    d = closed_day.distribution
    order = closed_day.orders[0]
    base = "/api/v1/distribution-day"
    with time_machine.travel(d.starts_at, tick=False):
        found = api_client.get(
            f"{base}/distributions/{d.pk}/handover/?q={order.pickup_code.lower()}"
        ).json()
        assert found["left"] == 3 and [c["orders"] for c in found["collections"]] == [[order.pk]]
        assert api_client.post(f"{base}/orders/{order.pk}/collected/").json()["collected_at"]
        assert api_client.get(f"{base}/distributions/{d.pk}/handover/").json()["left"] == 2
        assert api_client.delete(f"{base}/orders/{order.pk}/collected/").status_code == 200
        assert api_client.post(f"{base}/orders/{order.pk}/collected/").status_code == 200
    import datetime

    with time_machine.travel(d.starts_at + datetime.timedelta(minutes=5), tick=False):
        response = api_client.delete(f"{base}/orders/{order.pk}/collected/")
    assert response.status_code == 409 and response.json()["code"] == "undo_expired"


def test_picking_totals_api_only_shows_the_farms_own_lines(closed_day, api_client):
    member = UserFactory()
    closed_day.market.a.producer.members.add(member)
    api_client.force_authenticate(member)
    a = closed_day.market.a.producer
    url = f"/api/v1/distribution-day/producers/{a.pk}/distributions/{closed_day.distribution.pk}/picking/"
    (point,) = api_client.get(url).json()
    assert {line["product_name"] for line in point["lines"]} == {
        o.product.name for o in closed_day.market.a.offers
    }
    assert point["total_cents"] == 1200 + 8 * 199
