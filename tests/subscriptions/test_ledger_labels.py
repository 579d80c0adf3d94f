"""The credit ledger names each movement in words a family understands, in its language; the
words come from the apps that own the movements (registered describers)."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone, translation

from handover.services import cancel_distribution
from orders.services import cancel_order, pay_order, place_order
from payments import ledger
from payments.models import CreditEntry
from payments.selectors import credit_ledger
from payments.services.wallet import add_credit
from subscriptions.services import skip_week
from subscriptions.services.baskets import generate_basket_orders
from tests.factories import UserFactory
from tests.orders.conftest import stocked_farm
from tests.subscriptions.conftest import PRICE, active_subscription, make_amap

pytestmark = pytest.mark.django_db

FARM = "Les Jardins de la Deûle"


def labels(household, language="fr"):
    with translation.override(language):
        return [entry.label for entry in credit_ledger(user=household).entries]


def day(value):
    with translation.override("fr"):
        return formats.date_format(value, "j F")


@time_machine.travel("2026-12-01 10:00 +0100", tick=False)
def test_a_skipped_week_and_a_cancelled_distribution_read_as_a_family_says_them(db):
    amap = make_amap()  # the distribution on Saturday 5 December, the week of 30 November
    subscription = active_subscription(amap)
    next_week = amap.distribution.week + timedelta(weeks=1)
    skip_week(subscription=subscription, week=next_week)
    generate_basket_orders()
    cancel_distribution(distribution=amap.distribution)
    assert labels(subscription.household) == [
        f"Distribution du 5 décembre annulée — panier {FARM} recrédité",
        f"Semaine du 7 décembre sautée — panier {FARM}",
    ]
    assert labels(subscription.household, "en") == [
        f"Distribution of 5 December cancelled — {FARM} basket credited",
        f"Week of 7 December skipped — {FARM} basket",
    ]


def test_an_order_paid_with_credit_then_cancelled(market, fake_stripe):
    household = market.household
    add_credit(household=household, amount_cents=1000, reason="adjustment", reference="gift")
    order = place_order(
        household=household,
        distribution=market.distribution,
        lines={market.a.offers[0].pk: 2},
        idempotency_key="k",
    )
    pay_order(order=order, payment_method="")  # 6 € covered by the credit
    cancel_order(order=order)
    assert labels(household) == [
        f"Commande n° {order.pk} annulée par vous : votre avoir vous est rendu",
        f"Commande n° {order.pk} payée avec votre avoir",
        "ajustement",
    ]
    assert labels(household, "en")[1] == f"Order no. {order.pk} paid with your credit"


def test_cancelled_subscriptions_count_their_weeks_in_good_french(amap):
    one, three = (active_subscription(amap) for _ in range(2))
    for subscription, weeks in ((one, 1), (three, 3)):
        type(subscription).objects.filter(pk=subscription.pk).update(paid_at=timezone.now())
        add_credit(
            household=subscription.household,
            amount_cents=PRICE * weeks,
            reason=CreditEntry.Reason.CANCELLATION,
            reference=f"subscription-{subscription.pk}",
        )
    assert labels(one.household) == [f"Abonnement panier {FARM} annulé — 1 semaine recréditée"]
    assert labels(three.household) == [f"Abonnement panier {FARM} annulé — 3 semaines recréditées"]


def test_the_api_gives_each_movement_its_label_and_keeps_its_fields(amap, api_client):
    subscription = active_subscription(amap)
    skip_week(subscription=subscription, week=amap.distribution.week)
    api_client.force_authenticate(subscription.household)
    (entry,) = api_client.get("/api/v1/orders/credit/").json()["entries"]
    assert entry["label"] == f"Semaine du {day(amap.distribution.week)} sautée — panier {FARM}"
    assert entry["reason"] == "skip" and entry["reference"].startswith("skip-")
    assert entry["amount_cents"] == PRICE


def test_a_movement_nobody_describes_keeps_its_reason_and_the_page_shows_labels(amap, client):
    household = UserFactory()
    add_credit(household=household, amount_cents=500, reason="adjustment", reference="gift-1")
    assert labels(household) == ["ajustement"]
    assert ledger.prefix_of("gift-1") is None
    subscription = active_subscription(amap, household=household)
    skip_week(subscription=subscription, week=amap.distribution.week)
    client.force_login(household)
    page = client.get("/compte/credit/").content.decode()
    assert f"Semaine du {day(amap.distribution.week)} sautée — panier {FARM}" in page


def test_the_ledger_reads_a_fixed_number_of_queries(market, fake_stripe, amap):
    """Ten orders' movements cost the same queries as one."""

    def queries(household):
        with CaptureQueriesContext(connection) as captured:
            labels(household)
        return len(captured)

    def spend(household, n):
        farm = stocked_farm(market.distribution, prices=(100,))
        add_credit(household=household, amount_cents=100 * n, reason="adjustment", reference="g")
        for k in range(n):
            order = place_order(
                household=household,
                distribution=market.distribution,
                lines={farm.offers[0].pk: 1},
                idempotency_key=f"k{k}",
            )
            pay_order(order=order, payment_method="")

    few, many = UserFactory(), UserFactory()
    spend(few, 1)
    spend(many, 10)
    for household in (few, many):
        subscription = active_subscription(amap, household=household)
        skip_week(subscription=subscription, week=amap.distribution.week)
    assert queries(many) == queries(few)
