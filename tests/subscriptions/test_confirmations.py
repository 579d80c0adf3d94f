"""Cancelling a subscription asks first: how many weeks become how much credit."""

import pytest

from subscriptions.models import Subscription
from tests.subscriptions.conftest import active_subscription

pytestmark = pytest.mark.django_db


def test_cancelling_a_subscription_asks_first_with_the_credit_it_gives(client, amap):
    subscription = active_subscription(amap)
    client.force_login(subscription.household)
    url = f"/abonnements/{subscription.pk}/modifier/"

    page = client.get(url, {"action": "cancel"})
    assert page.status_code == 200
    assert "pas encore livrée" in page.content.decode() and "d’avoir" in page.content.decode()
    assert client.post(url, {"action": "cancel"}).status_code == 400
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE

    client.post(url, {"action": "cancel", "confirm": "1"})
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CANCELLED
