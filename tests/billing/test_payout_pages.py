"""'Mes virements': the farm's and the host's payouts pages, their Stripe onboarding and CSV."""

import pytest
from django.urls import reverse

from common.money import format_eur
from payments.models import ConnectedAccount
from tests.factories import PickupPointFactory, ProducerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_farm_page_is_a_404_for_anyone_but_its_members(client, paid_week):
    client.force_login(UserFactory())
    slug = paid_week.producer.slug
    for name in ("payouts", "payouts_csv", "payouts_return", "payouts_activate"):
        assert client.get(reverse(f"frontend:producer:{name}", args=[slug])).status_code == 404
    assert (
        client.post(reverse("frontend:producer:payouts_activate", args=[slug])).status_code == 404
    )


def test_a_host_page_is_a_404_for_anyone_but_its_hosts(client, paid_week):
    client.force_login(paid_week.member)  # a farm member is not a host
    pk = paid_week.point.pk
    for name in ("host_payouts", "host_payouts_csv", "host_payouts_return"):
        assert client.get(reverse(f"frontend:{name}", args=[pk])).status_code == 404


def test_a_paid_payout_shows_its_amounts_and_date(client, paid_week):
    client.force_login(paid_week.member)
    page = client.get(reverse("frontend:producer:payouts", args=[paid_week.producer.slug]))
    assert page.status_code == 200
    text = page.content.decode()
    payout = paid_week.farm_payout
    assert "Mes virements" in text
    assert "payé le" in text
    for cents in (payout.sales_cents, payout.host_cents, payout.platform_cents, payout.net_cents):
        assert format_eur(cents) in text
    assert 'role="region" tabindex="0"' in text
    assert "Les frais de traitement Stripe sont pris sur la part de la plateforme" in text
    assert "Virements actifs" in text  # the account was activated
    dashboard = client.get(reverse("frontend:producer:dashboard", args=[paid_week.producer.slug]))
    assert (
        reverse("frontend:producer:payouts", args=[paid_week.producer.slug])
        in dashboard.content.decode()
    )


def test_the_csv_lists_the_payout_in_euros_with_a_comma(client, paid_week):
    client.force_login(paid_week.member)
    response = client.get(reverse("frontend:producer:payouts_csv", args=[paid_week.producer.slug]))
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Distribution;Point relais;Ventes (EUR)")
    payout = paid_week.farm_payout
    cells = lines[1].split(";")
    assert cells[1] == paid_week.point.name
    assert cells[2] == f"{payout.sales_cents // 100},{payout.sales_cents % 100:02d}"
    assert cells[5] == f"{payout.net_cents // 100},{payout.net_cents % 100:02d}"
    assert cells[6].startswith("payé le")


def test_the_host_sees_the_commission(client, paid_week):
    client.force_login(paid_week.host)
    page = client.get(reverse("frontend:host_payouts", args=[paid_week.point.pk]))
    assert page.status_code == 200
    assert format_eur(paid_week.host_payout.net_cents) in page.content.decode()
    csv = client.get(reverse("frontend:host_payouts_csv", args=[paid_week.point.pk]))
    assert csv.content.decode("utf-8-sig").count("\r\n") == 2


def test_activating_sends_the_farm_to_stripe_and_back(client, fake_stripe):
    producer, member = ProducerFactory(), UserFactory()
    producer.members.add(member)
    client.force_login(member)
    page = client.get(reverse("frontend:producer:payouts", args=[producer.slug]))
    assert "Activer mes virements" in page.content.decode()

    activate = reverse("frontend:producer:payouts_activate", args=[producer.slug])
    response = client.post(activate)
    account = ConnectedAccount.objects.get(owner_kind="producer", owner_id=producer.pk)
    assert response.status_code == 303
    assert response["Location"] == f"https://connect.stripe.test/setup/{account.account_id}"
    back = reverse("frontend:producer:payouts_return", args=[producer.slug])
    assert fake_stripe.links[-1] == (account.account_id, f"http://testserver{back}")
    # A second click (or Stripe's refresh link, a GET) makes no second account.
    assert client.get(activate).status_code == 303
    assert ConnectedAccount.objects.count() == 1

    # Back from Stripe, with an identity document still due.
    fake_stripe.activate(account.account_id, active=False)
    text = client.get(back).content.decode()
    assert "une pièce d’identité" in text
    assert "Compléter mes informations" in text

    fake_stripe.activate(account.account_id)
    text = client.get(back).content.decode()
    assert "Vos virements sont actifs." in text
    assert "Virements actifs" in text
    assert "Compléter mes informations" not in text


def test_stripe_down_on_return_still_renders(client, fake_stripe):
    point, host = PickupPointFactory(), UserFactory()
    point.hosts.add(host)
    client.force_login(host)
    client.post(reverse("frontend:host_payouts_activate", args=[point.pk]))
    fake_stripe.down = True
    page = client.get(reverse("frontend:host_payouts_return", args=[point.pk]))
    assert page.status_code == 200
    assert "Stripe ne répond pas, réessayez." in page.content.decode()


def test_the_admin_report_adds_up_per_distribution(admin_client, paid_week):
    response = admin_client.get(reverse("admin:billing_payout_report"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.distribution for row in rows] == [paid_week.distribution]
    row = rows[0]
    assert row.ok and row.sales_cents == 900
    assert row.farms_cents == paid_week.farm_payout.net_cents
    assert row.hosts_cents == paid_week.host_payout.net_cents
    assert response.context["months"][0][1] == row.platform_cents
    assert format_eur(row.platform_cents) in response.content.decode()
    for name in (
        "billing_payout",
        "billing_seasonpayout",
        "payments_connectedaccount",
        "payments_transfer",
        "payments_transferreversal",
    ):
        assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200
