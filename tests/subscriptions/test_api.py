"""The subscriptions API: subscribe, list, skip, pause, cancel, credit; scoped to one's own."""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from subscriptions.models import Subscription
from tests.factories import UserFactory
from tests.payments.fakes import VISA
from tests.subscriptions.conftest import PRICE, active_subscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_subscribe_pay_and_list(api, amap, fake_stripe):
    household = UserFactory()
    api.force_authenticate(household)
    seasons = api.get("/api/v1/orders/seasons/").json()
    assert [s["id"] for s in seasons["results"]] == [amap.season.pk]
    created = api.post(
        "/api/v1/orders/subscriptions/",
        {"season": amap.season.pk, "pickup_point": amap.point.pk},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["status"] == "pending"
    pk = created.json()["id"]
    paid = api.post(f"/api/v1/orders/subscriptions/{pk}/pay/", {"payment_method": VISA})
    assert paid.status_code == 200 and paid.json()["status"] == "active"
    again = api.post(
        "/api/v1/orders/subscriptions/",
        {"season": amap.season.pk, "pickup_point": amap.point.pk},
        format="json",
    )
    assert again.status_code == 409 and again.json()["code"] == "already_subscribed"
    listed = api.get("/api/v1/orders/subscriptions/").json()
    assert [s["id"] for s in listed["results"]] == [pk]


def test_skip_pause_cancel_and_credit(api, amap):
    subscription = active_subscription(amap)
    api.force_authenticate(subscription.household)
    base = f"/api/v1/orders/subscriptions/{subscription.pk}"
    week = amap.distribution.week
    assert api.post(f"{base}/skip/", {"week": week.isoformat()}).status_code == 200
    paused = api.post(
        f"{base}/pause/",
        {
            "starts_on": (week + timedelta(weeks=1)).isoformat(),
            "ends_on": (week + timedelta(weeks=1)).isoformat(),
        },
    )
    assert paused.status_code == 200
    assert len(paused.json()["skipped_weeks"]) == 2
    refused = api.post(f"{base}/skip/", {"week": (week + timedelta(weeks=3)).isoformat()})
    assert refused.status_code == 409 and refused.json()["code"] == "skip_limit_reached"
    credit = api.get("/api/v1/orders/credit/").json()
    assert credit["balance_cents"] == 2 * PRICE == sum(e["amount_cents"] for e in credit["entries"])
    assert api.post(f"{base}/cancel/").json()["status"] == "cancelled"


def test_someone_elses_subscription_is_a_404(api, amap):
    subscription = active_subscription(amap)
    api.force_authenticate(UserFactory())
    base = f"/api/v1/orders/subscriptions/{subscription.pk}"
    assert api.get(f"{base}/").status_code == 404
    assert api.post(f"{base}/cancel/").status_code == 404
    assert Subscription.objects.get().status == "active"


def test_producer_creates_a_season_and_reads_the_counts(api, amap):
    member = UserFactory()
    amap.producer.members.add(member)
    active_subscription(amap)
    api.force_authenticate(member)
    url = f"/api/v1/orders/producers/{amap.producer.pk}/seasons/"
    created = api.post(
        url,
        {
            "product": amap.product.pk,
            "starts_on": amap.distribution.week.isoformat(),
            "ends_on": (amap.distribution.week + timedelta(weeks=4)).isoformat(),
            "pickup_points": [amap.point.pk],
            "price_cents": 2000,
            "max_subscribers": 10,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    counts = api.get(f"{url}{amap.season.pk}/counts/").json()
    assert counts["weeks"][0]["baskets"] == 1 and counts["waiting"] == 0
    api.force_authenticate(UserFactory())
    assert api.get(f"{url}{amap.season.pk}/counts/").status_code == 404
