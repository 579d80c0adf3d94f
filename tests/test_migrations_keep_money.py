"""Moving the money to ``payments`` and the AMAP baskets to ``subscriptions`` keeps every row
and every sum: a database filled at the old layout (everything in ``orders``, payments tied to
orders and subscriptions by foreign keys, basket orders holding their prepaid amount) migrates
forward, and the new layout reads the same money."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Sum

from tests.factories import DistributionFactory, UserFactory
from tests.orders.conftest import stocked_farm

pytestmark = pytest.mark.django_db(transaction=True)

# The last layout with everything in orders.
OLD_LAYOUT = [
    ("orders", "0006_order_request_fingerprint"),
    ("payments", None),
    ("subscriptions", None),
]
MOVED_MODELS = {
    "payments": ["stripecustomer", "payment", "refund", "stripeevent", "creditentry"],
    "subscriptions": ["basketseason", "subscription", "basketorder", "subscriptionskip"],
}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1]]).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _fill_the_old_layout(apps, *, distribution, offer, paying, subscriber):
    """Orders, payments (one failed attempt), refunds, Stripe customers and events, a credit
    ledger, a season with a subscription paid by card, a skip and a basket order."""
    get = apps.get_model
    Order, OrderLine = get("orders", "Order"), get("orders", "OrderLine")
    Payment, Refund = get("orders", "Payment"), get("orders", "Refund")
    order = Order.objects.create(
        household_id=paying.pk,
        distribution_id=distribution.pk,
        idempotency_key="k",
        status="paid",
        total_cents=600,
    )
    OrderLine.objects.create(
        order=order,
        offer_id=offer.pk,
        producer_id=offer.catalogue.producer_id,
        product_name="Tomme",
        producer_name="Ferme",
        unit_price_cents=300,
        quantity=2,
    )
    Payment.objects.create(
        order=order, attempt=0, capture_method="automatic", status="failed", amount_cents=600
    )
    paid = Payment.objects.create(
        order=order,
        intent_id="pi_order",
        attempt=1,
        capture_method="automatic",
        status="succeeded",
        amount_cents=600,
        amount_received_cents=600,
    )
    Refund.objects.create(
        order=order, payment=paid, key="order-1-household", reason="household", amount_cents=200
    )
    get("orders", "StripeCustomer").objects.create(user_id=paying.pk, customer_id="cus_1")
    get("orders", "StripeEvent").objects.create(event_id="evt_1", type="payment_intent.succeeded")
    Credit = get("orders", "CreditEntry")
    Credit.objects.create(
        household_id=subscriber.pk, amount_cents=1500, reason="skip", reference="s"
    )
    Credit.objects.create(
        household_id=subscriber.pk, amount_cents=-700, reason="payment", reference="p"
    )
    Credit.objects.create(household_id=paying.pk, amount_cents=250, reason="refund", reference="r")
    season = get("orders", "BasketSeason").objects.create(
        product_id=offer.product_id,
        starts_on=distribution.week - timedelta(weeks=1),
        ends_on=distribution.week + timedelta(weeks=8),
        price_cents=1500,
        max_subscribers=5,
    )
    season.pickup_points.add(distribution.pickup_point_id)
    subscription = get("orders", "Subscription").objects.create(
        season=season,
        household_id=subscriber.pk,
        pickup_point_id=distribution.pickup_point_id,
        status="active",
        first_week=distribution.week,
        price_cents=1500,
        weeks_paid=9,
        total_cents=13500,
        credit_used_cents=700,
        card_cents=12800,
        intent_id="pi_season",
    )
    Payment.objects.create(
        subscription=subscription,
        intent_id="pi_season",
        capture_method="automatic",
        status="succeeded",
        amount_cents=12800,
        amount_received_cents=12800,
    )
    get("orders", "SubscriptionSkip").objects.create(
        subscription=subscription, week=distribution.week + timedelta(weeks=2), credited_cents=1500
    )
    basket = Order.objects.create(
        household_id=subscriber.pk,
        distribution_id=distribution.pk,
        idempotency_key="basket",
        status="paid",
        total_cents=1500,
    )
    get("orders", "BasketOrder").objects.create(
        subscription=subscription,
        distribution_id=distribution.pk,
        week=distribution.week,
        order=basket,
        prepaid_cents=1500,
    )
    return order, subscription, basket


def _content_types_as_they_were():
    """Before the move, the moved models' content types were orders'."""
    from django.contrib.contenttypes.models import ContentType

    for app, models in MOVED_MODELS.items():
        ContentType.objects.filter(app_label=app, model__in=models).delete()
        for model in models:
            ContentType.objects.get_or_create(app_label="orders", model=model)


def test_the_old_layout_migrates_forward_with_every_row_and_sum():
    distribution = DistributionFactory()
    offer = stocked_farm(distribution).offers[0]
    paying, subscriber = UserFactory(), UserFactory()
    try:
        apps = _migrate(OLD_LAYOUT)
        order, subscription, basket = _fill_the_old_layout(
            apps, distribution=distribution, offer=offer, paying=paying, subscriber=subscriber
        )
        _content_types_as_they_were()
        _migrate(_latest())
    finally:
        _migrate(_latest())

    from django.contrib.contenttypes.models import ContentType

    from handover.reports import money_kept
    from orders.models import Order
    from payments.models import CreditEntry, Payment, Refund, StripeCustomer, StripeEvent
    from payments.services.wallet import balance
    from subscriptions.models import BasketOrder, Subscription, SubscriptionSkip

    # Every payment names what it paid and who paid; amounts untouched.
    rows = Payment.objects.order_by("pk").values_list(
        "purpose_kind", "purpose_id", "payer_id", "attempt", "status", "amount_received_cents"
    )
    assert list(rows) == [
        ("order", order.pk, paying.pk, 0, "failed", 0),
        ("order", order.pk, paying.pk, 1, "succeeded", 600),
        ("subscription", subscription.pk, subscriber.pk, 0, "succeeded", 12800),
    ]
    assert Payment.objects.aggregate(s=Sum("amount_received_cents"))["s"] == 13400
    refund = Refund.objects.get()
    assert (refund.payment.intent_id, refund.amount_cents, refund.key) == (
        "pi_order",
        200,
        "order-1-household",
    )
    # The apps read them through their purposes.
    moved_order = Order.objects.get(pk=order.pk)
    assert [p.intent_id for p in moved_order.payments] == [None, "pi_order"]
    assert [p.intent_id for p in Subscription.objects.get().payments] == ["pi_season"]
    assert money_kept(distribution=distribution) == 600 - 200
    # The credit ledger: every row, every balance.
    assert CreditEntry.objects.count() == 3
    assert balance(household=subscriber) == 800
    assert balance(household=paying) == 250
    # Subscriptions: the season, the subscription, its skip; the basket's prepayment is on its
    # order now.
    assert Subscription.objects.get().total_cents == 13500
    assert SubscriptionSkip.objects.get().credited_cents == 1500
    assert BasketOrder.objects.get().order_id == basket.pk
    assert Order.objects.get(pk=basket.pk).prepaid_cents == 1500
    assert Order.objects.get(pk=order.pk).prepaid_cents == 0
    assert StripeCustomer.objects.get().customer_id == "cus_1"
    assert StripeEvent.objects.get().event_id == "evt_1"
    # Permissions and admin history follow the rows: the content types moved, none is left.
    for app, models in MOVED_MODELS.items():
        for model in models:
            assert ContentType.objects.filter(app_label=app, model=model).exists(), model
            assert not ContentType.objects.filter(app_label="orders", model=model).exists()
