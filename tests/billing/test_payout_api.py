"""The payouts API: a farm's payouts to its members, a point's commissions to its hosts, and
the link to activate the payout account."""

import pytest

from payments.models import ConnectedAccount
from tests.factories import ProducerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_payouts_are_for_members_and_hosts_only(api_client, paid_week):
    farm = f"/api/v1/producers/{paid_week.producer.pk}/payouts/"
    point = f"/api/v1/pickup-points/{paid_week.point.pk}/payouts/"
    assert api_client.get(farm).status_code in (401, 403)
    api_client.force_authenticate(UserFactory())
    assert api_client.get(farm).status_code == 404
    assert api_client.get(point).status_code == 404
    api_client.force_authenticate(paid_week.member)
    assert api_client.get(point).status_code == 404  # a member is not a host
    api_client.force_authenticate(paid_week.host)
    assert api_client.get(farm).status_code == 404


def test_a_farm_reads_its_paid_payout(api_client, paid_week):
    api_client.force_authenticate(paid_week.member)
    body = api_client.get(f"/api/v1/producers/{paid_week.producer.pk}/payouts/").json()
    results = body["results"] if isinstance(body, dict) else body
    assert len(results) == 1
    row, payout = results[0], paid_week.farm_payout
    assert row["distribution_id"] == paid_week.distribution.pk
    assert row["status"] == "paid"
    assert row["transfer_status"] == "sent"
    assert row["reversals"] == []
    assert (row["sales_cents"], row["net_cents"], row["sent_cents"], row["debt_cents"]) == (
        payout.sales_cents,
        payout.net_cents,
        payout.sent_cents,
        0,
    )
    api_client.force_authenticate(paid_week.host)
    body = api_client.get(f"/api/v1/pickup-points/{paid_week.point.pk}/payouts/").json()
    results = body["results"] if isinstance(body, dict) else body
    assert [r["net_cents"] for r in results] == [paid_week.host_payout.net_cents]


def test_the_payout_account_link_points_back_to_the_pages(api_client, fake_stripe):
    producer, member = ProducerFactory(), UserFactory()
    producer.members.add(member)
    api_client.force_authenticate(UserFactory())
    assert api_client.post(f"/api/v1/producers/{producer.pk}/payout-account/").status_code == 404
    api_client.force_authenticate(member)
    response = api_client.post(f"/api/v1/producers/{producer.pk}/payout-account/")
    assert response.status_code == 201
    account = ConnectedAccount.objects.get(owner_kind="producer", owner_id=producer.pk)
    assert response.json() == {
        "onboarding_url": f"https://connect.stripe.test/setup/{account.account_id}"
    }
    assert fake_stripe.links[-1][1].endswith(f"/producteur/{producer.slug}/virements/retour/")
    fake_stripe.down = True
    response = api_client.post(f"/api/v1/producers/{producer.pk}/payout-account/")
    assert response.status_code == 503
    assert response.json()["code"] == "payment_unavailable"


def test_the_detail_shows_the_payout_account_to_members_and_hosts(api_client, paid_week):
    api_client.force_authenticate(paid_week.member)
    farm = api_client.get(f"/api/v1/producers/{paid_week.producer.pk}/").json()
    assert farm["payout_account"] == {
        "status": "active",
        "charges_enabled": True,
        "payouts_enabled": True,
        "requirements_due": [],
    }
    api_client.force_authenticate(paid_week.host)
    point = api_client.get(f"/api/v1/host/pickup-points/{paid_week.point.pk}/").json()
    assert point["payout_account"]["status"] == "active"
    other = ProducerFactory()
    other.members.add(paid_week.host)
    assert api_client.get(f"/api/v1/producers/{other.pk}/").json()["payout_account"] is None
