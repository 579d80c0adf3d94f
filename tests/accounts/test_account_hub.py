"""The account page is the hub of the account: each part with a line saying where it stands
(current orders, active subscriptions, credit, cards, invoices, e-mails), in a fixed number
of queries."""

import re
from datetime import timedelta
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders.models import Order
from payments.models import SavedCard, StripeCustomer
from payments.services import wallet
from subscriptions.models import Subscription
from tests.factories import DistributionFactory, UserFactory
from tests.subscriptions.conftest import active_subscription, make_amap

pytestmark = pytest.mark.django_db

ACCOUNT = reverse("frontend:account")
keys = count()


def order(household, distribution, status) -> Order:
    return Order.objects.create(
        household=household,
        distribution=distribution,
        idempotency_key=f"hub-{next(keys)}",
        status=status,
        total_cents=1000,
    )


def hub_item(page: str, name: str) -> str:
    start = page.index(f'data-hub="{name}"')
    return page[start : page.index("</li>", start)]


@pytest.fixture
def amap(db):
    return make_amap()


def household_with_an_account_to_show(amap, *, orders: int = 2):
    household = UserFactory(reminder_emails=True, roster_emails=False)
    for n in range(orders):
        order(household, amap.distribution, "awaiting_payment" if n == 0 else "paid")
    order(household, amap.distribution, "cancelled")
    past = DistributionFactory(days_ahead=-3, status="done")
    order(household, past, "confirmed")  # collected three days ago: not current
    active_subscription(amap, household)
    active_subscription(amap, household, status=Subscription.Status.CANCELLED)
    wallet.add_credit(household=household, amount_cents=1250, reason="adjustment", reference="t")
    customer = StripeCustomer.objects.create(user=household, customer_id=f"cus_{household.pk}")
    SavedCard.objects.create(
        customer=customer, payment_method_id=f"pm_{household.pk}", last4="4242"
    )
    return household


def test_the_hub_says_where_each_part_of_the_account_stands(client, amap):
    household = household_with_an_account_to_show(amap)
    client.force_login(household)
    page = client.get(ACCOUNT).content.decode()

    orders = hub_item(page, "orders")
    assert reverse("frontend:orders:list") in orders
    assert "2 commandes en cours, 1 à payer" in orders or "2 current orders, 1 to pay" in orders
    subscriptions = hub_item(page, "subscriptions")
    assert "1 abonnement actif" in subscriptions or "1 active subscription" in subscriptions
    credit = hub_item(page, "credit")
    assert "12,50" in credit or "12.50" in credit
    assert reverse("frontend:subscriptions:credit_topup") in credit
    assert reverse("frontend:subscriptions:credit_withdraw") in credit
    cards = hub_item(page, "cards")
    assert reverse("frontend:account_cards") in cards
    assert "1 carte enregistrée" in cards or "1 saved card" in cards
    invoices = hub_item(page, "invoices")
    assert reverse("frontend:account_invoices") in invoices
    assert "Aucune facture" in invoices or "No invoice yet." in invoices
    assert "Rappels uniquement" in hub_item(page, "emails") or "Reminders only." in page
    assert 'action="/i18n/setlang/"' in page.split('id="language"')[1]  # the language form
    assert reverse("frontend:account_emails") in page
    assert reverse("frontend:account_export") in page
    assert reverse("frontend:account_delete") in page


def test_a_new_household_reads_that_nothing_is_there_yet_and_cannot_withdraw(client):
    client.force_login(UserFactory())
    page = client.get(ACCOUNT).content.decode()
    assert "Aucune commande en cours" in page or "No current order." in page
    assert reverse("frontend:subscriptions:credit_withdraw") not in hub_item(page, "credit")
    assert reverse("frontend:subscriptions:credit_topup") in hub_item(page, "credit")


def test_the_hub_reads_a_fixed_number_of_queries(client, amap):
    """However many orders, subscriptions and cards: counts and sums, no query per row."""
    counted = []
    for orders in (1, 8):
        client.force_login(household_with_an_account_to_show(amap, orders=orders))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(ACCOUNT).status_code == 200
        counted.append(len(queries))
    assert counted[0] == counted[1] <= 12, counted


def test_anonymous_visitors_are_asked_to_log_in(client):
    response = client.get(ACCOUNT)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_an_order_at_a_distribution_under_way_is_still_current(client):
    household = UserFactory()
    under_way = DistributionFactory(days_ahead=0)
    under_way.starts_at -= timedelta(minutes=30)  # started half an hour ago, ends in 1 h 30
    under_way.ends_at = under_way.starts_at + timedelta(hours=2)
    under_way.opens_at = under_way.starts_at - timedelta(days=6)
    under_way.cutoff_at = under_way.starts_at - timedelta(hours=48)
    under_way.save()
    order(household, under_way, "confirmed")
    client.force_login(household)
    orders = hub_item(client.get(ACCOUNT).content.decode(), "orders")
    assert "1 commande en cours" in orders or "1 current order" in orders


def test_the_name_in_the_header_opens_the_account(client):
    household = UserFactory(full_name="Jeanne Dupont")
    client.force_login(household)
    page = client.get(reverse("frontend:home")).content.decode()
    link = re.search(r'<a class="nav-user" href="([^"]+)" aria-label="([^"]+)"', page)
    assert link and link.group(1) == ACCOUNT
    assert link.group(2).startswith("Jeanne")  # the label starts with the name it shows
    assert 'aria-current="page"' in re.search(
        r'<a class="nav-user"[^>]*>', client.get(ACCOUNT).content.decode()
    ).group(0)
