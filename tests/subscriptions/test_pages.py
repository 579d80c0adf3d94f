"""The household's pages: seasons, subscribe and pay, a subscription's weeks, the credit page."""

import pytest

from payments.services.wallet import balance
from subscriptions.models import Subscription
from tests.factories import UserFactory
from tests.payments.fakes import VISA
from tests.subscriptions.conftest import PRICE, active_subscription

pytestmark = pytest.mark.django_db


def test_subscribe_pay_skip_and_see_the_credit(client, amap, fake_stripe):
    household = UserFactory()
    client.force_login(household)
    page = client.get("/abonnements/")
    assert page.status_code == 200 and amap.product.name in page.content.decode()
    answer = client.post(
        f"/abonnements/saison/{amap.season.pk}/",
        {"pickup_point": amap.point.pk, "action": "subscribe"},
    )
    subscription = Subscription.objects.get(household=household)
    assert answer.url == f"/abonnements/{subscription.pk}/paiement/"
    assert client.get(answer.url).status_code == 200
    paid = client.post(answer.url, {"payment_method": VISA})
    assert paid.url == f"/abonnements/{subscription.pk}/"
    subscription.refresh_from_db()
    assert subscription.status == "active"
    detail = client.get(paid.url).content.decode()
    assert 'class="button-small skip-week"' in detail
    week = subscription.first_week.isoformat()
    client.post(f"/abonnements/{subscription.pk}/modifier/", {"action": "skip", "week": week})
    assert balance(household=household) == PRICE
    credit = client.get("/compte/credit/").content.decode()
    assert f'data-cents="{PRICE}"' in credit


def test_someone_elses_subscription_is_a_404(client, amap):
    subscription = active_subscription(amap)
    client.force_login(UserFactory())
    assert client.get(f"/abonnements/{subscription.pk}/").status_code == 404
    answer = client.post(
        f"/abonnements/{subscription.pk}/modifier/", {"action": "cancel", "confirm": "1"}
    )
    assert answer.status_code == 404


def test_the_weeks_page_does_not_grow_in_queries(client, amap, django_assert_max_num_queries):
    subscription = active_subscription(amap)
    client.force_login(subscription.household)
    with django_assert_max_num_queries(15):
        assert client.get(f"/abonnements/{subscription.pk}/").status_code == 200


def test_the_farm_sees_baskets_to_harvest_per_point_and_week(client, amap):
    member = UserFactory()
    amap.producer.members.add(member)
    active_subscription(amap)
    skipped = active_subscription(amap)
    from subscriptions.services import skip_week

    skip_week(subscription=skipped, week=amap.distribution.week)
    client.force_login(member)
    page = client.get(f"/producteur/{amap.producer.slug}/paniers/")
    assert page.status_code == 200
    first = page.context["seasons"][0].weeks[0]
    assert (first.week, first.point, first.baskets, first.skipped) == (
        amap.distribution.week,
        amap.point.name,
        1,
        1,
    )
    assert "paniers/" in client.get(f"/producteur/{amap.producer.slug}/").content.decode()
    client.force_login(UserFactory())
    assert client.get(f"/producteur/{amap.producer.slug}/paniers/").status_code == 404
