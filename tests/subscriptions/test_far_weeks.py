"""A week outside the subscription, even at the ends of the calendar, is refused (400), never a
crash computing its skip deadline."""

import pytest

from tests.subscriptions.conftest import active_subscription

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("week", ["0001-01-01", "9999-12-31"])
def test_skipping_a_week_at_the_ends_of_the_calendar_is_refused(amap, api_client, week):
    subscription = active_subscription(amap)
    api_client.force_authenticate(subscription.household)
    response = api_client.post(
        f"/api/v1/orders/subscriptions/{subscription.pk}/skip/", {"week": week}, format="json"
    )
    assert response.status_code == 400, response.content[:200]
    assert "week" in response.json()["errors"]
    assert not subscription.skips.exists()
