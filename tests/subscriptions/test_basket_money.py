"""Basket money is never lost: a cancelled distribution, a basket order the household tries to
change, a week whose basket is missing or sold out — each week ends delivered, skipped or
credited with a reason, once."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone, translation

from common.errors import Invalid
from handover.emails import send_cancelled_distribution_emails
from handover.services import cancel_distribution
from orders.errors import BasketManagedBySubscription
from orders.models import Order
from orders.services import (
    cancel_order,
    change_order,
    close_distribution,
    order_changeable,
    pay_order,
    place_order,
)
from payments.models import CreditEntry
from payments.services.wallet import add_credit, balance
from pickup.models import Distribution
from producers.models import Catalogue
from subscriptions.emails import send_week_credited
from subscriptions.models import CreditedWeek
from subscriptions.services import cancel_subscription, skip_week
from subscriptions.services.baskets import generate_basket_orders
from subscriptions.services.credited import credit_all_missed_weeks, credit_missed_weeks
from tests.factories import DistributionFactory
from tests.orders.conftest import stocked_farm
from tests.payments.fakes import VISA
from tests.subscriptions.conftest import PRICE, active_subscription, make_amap

pytestmark = pytest.mark.django_db


def ledger_sum(household):
    return sum(
        CreditEntry.objects.filter(household=household).values_list("amount_cents", flat=True)
    )


@pytest.fixture
def far_amap(db):
    """The AMAP at a distribution whose cutoff is 7 days away (cards captured at once)."""
    starts = (timezone.now() + timedelta(days=9)).replace(microsecond=0)
    return make_amap(starts_at=starts, opens_at=timezone.now() - timedelta(hours=1))


# --- 1. A host cancels a distribution with basket orders -----------------------------------


def test_a_cancelled_distribution_credits_the_basket_and_refunds_the_card_add_ons(
    far_amap, fake_stripe, django_capture_on_commit_callbacks
):
    amap = far_amap
    subscription = active_subscription(amap)
    household = subscription.household
    (basket,) = generate_basket_orders()
    add_credit(household=household, amount_cents=200, reason="adjustment", reference="gift")
    farm = stocked_farm(amap.distribution, prices=(400,))
    add_on = place_order(
        household=household,
        distribution=amap.distribution,
        lines={farm.offers[0].pk: 1},
        idempotency_key="add-on",
    )
    pay_order(order=add_on, payment_method=VISA)  # 2 € credit, 2 € card (captured)
    intent = add_on.payments.get().intent_id
    assert fake_stripe.captured(intent) == 200 and balance(household=household) == 0
    mail.outbox.clear()

    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        assert cancel_distribution(distribution=amap.distribution) == 2

    # the basket's prepaid 15 € and the 2 € of credit come back as credit, the card its 2 €
    assert balance(household=household) == PRICE + 200 == ledger_sum(household)
    assert fake_stripe.captured(intent) == 0
    credited = CreditedWeek.objects.get()
    assert (credited.subscription, credited.week, credited.reason, credited.credited_cents) == (
        subscription,
        amap.distribution.week,
        CreditedWeek.Reason.DISTRIBUTION_CANCELLED,
        PRICE,
    )
    assert set(Order.objects.values_list("status", flat=True)) == {"cancelled"}
    (to_household,) = [m for m in mail.outbox if household.email in m.to]
    assert "remboursé en totalité" not in to_household.body
    assert "Remboursé sur votre carte : 2,00\xa0€" in to_household.body
    assert "Ajouté à votre avoir : 17,00\xa0€" in to_household.body
    assert "17,00\xa0€" in to_household.alternatives[0][0]  # the same in HTML
    mail.outbox.clear()  # the task running again sends nothing more
    assert send_cancelled_distribution_emails(distribution_id=amap.distribution.pk) == 0
    # the week is settled: no skip, no credit again at cancelling the subscription
    with pytest.raises(Invalid):
        skip_week(subscription=subscription, week=amap.distribution.week)
    cancel_subscription(subscription=subscription)
    weeks_left = len(amap.season.weeks(since=amap.distribution.week)) - 1
    assert balance(household=household) == PRICE + 200 + PRICE * weeks_left
    assert basket  # the basket order was made before the cancel


def test_cancelling_before_the_baskets_are_made_credits_the_subscribers_once(
    amap, django_capture_on_commit_callbacks
):
    subscription = active_subscription(amap)
    Distribution.objects.filter(pk=amap.distribution.pk).update(status="scheduled")
    mail.outbox.clear()
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        cancel_distribution(distribution=amap.distribution)
    assert balance(household=subscription.household) == PRICE
    assert CreditedWeek.objects.get().reason == "distribution_cancelled"
    assert any(subscription.household.email in m.to and "15,00\xa0€" in m.body for m in mail.outbox)
    credit_missed_weeks(distribution_id=amap.distribution.pk)  # not closed: nothing
    assert balance(household=subscription.household) == PRICE


# --- 2. A basket order is changed only through the subscription ----------------------------


def test_a_basket_order_cannot_be_changed_or_cancelled_but_skipped(amap, api_client):
    subscription = active_subscription(amap)
    generate_basket_orders()
    order = subscription.basket_orders.get().order
    line = order.lines.get()
    assert not order_changeable(order)
    with pytest.raises(BasketManagedBySubscription):
        cancel_order(order=order)
    with pytest.raises(BasketManagedBySubscription):
        change_order(order=order, quantities={line.pk: 0})
    api_client.force_authenticate(subscription.household)
    response = api_client.post(f"/api/v1/orders/{order.pk}/cancel/")
    assert response.status_code == 409
    assert response.json()["code"] == "basket_managed_by_subscription"
    response = api_client.patch(
        f"/api/v1/orders/{order.pk}/", {"lines": [{"line": line.pk, "quantity": 0}]}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "basket_managed_by_subscription"
    order.refresh_from_db()
    assert order.status == "paid" and order.total_cents == PRICE
    # the subscription's rule still works: a skip within the deadline becomes credit
    skip_week(subscription=subscription, week=amap.distribution.week)
    assert balance(household=subscription.household) == PRICE


def test_the_order_page_hides_the_basket_changes_and_links_to_the_subscription(
    amap, client, fake_stripe
):
    subscription = active_subscription(amap)
    generate_basket_orders()
    order = subscription.basket_orders.get().order
    client.force_login(subscription.household)
    page = client.get(f"/commandes/{order.pk}/").content.decode()
    assert 'value="cancel"' not in page and f'name="line-{order.lines.get().pk}"' not in page
    assert f"/abonnements/{subscription.pk}/" in page
    # refused through the page too: nothing changes
    client.post(f"/commandes/{order.pk}/modifier/", {"action": "cancel", "confirm": "1"})
    order.refresh_from_db()
    assert order.status == "paid"
    # an add-on order of the same household stays changeable like any order
    farm = stocked_farm(amap.distribution, prices=(400,))
    add_on = place_order(
        household=subscription.household,
        distribution=amap.distribution,
        lines={farm.offers[0].pk: 1},
        idempotency_key="add-on",
    )
    assert order_changeable(add_on)
    page = client.get(f"/commandes/{add_on.pk}/").content.decode()
    assert 'value="cancel"' in page and f"/abonnements/{subscription.pk}/" not in page


# --- 3. A week whose basket is missing or sold out -----------------------------------------


def _after_cutoff(amap):
    return time_machine.travel(amap.distribution.cutoff_at + timedelta(minutes=1))


@pytest.mark.parametrize("why", ["basket_missing", "sold_out"])
def test_a_week_without_a_basket_is_credited_once_after_the_close(
    amap, why, django_capture_on_commit_callbacks
):
    if why == "sold_out":
        amap.offer.remaining = 0
        amap.offer.save()
    else:
        Catalogue.objects.filter(pk=amap.offer.catalogue_id).update(status="draft")
    unlucky = active_subscription(amap)
    skipper = active_subscription(amap)
    skip_week(subscription=skipper, week=amap.distribution.week)
    assert generate_basket_orders() == []
    assert balance(household=unlucky.household) == 0  # open: the basket may still come
    mail.outbox.clear()
    with (
        _after_cutoff(amap),
        translation.override("fr"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        close_distribution(distribution=amap.distribution)  # sale_closed → credit
        credit_missed_weeks(distribution_id=amap.distribution.pk)
        credit_all_missed_weeks()
    assert balance(household=unlucky.household) == PRICE == ledger_sum(unlucky.household)
    assert balance(household=skipper.household) == PRICE  # its skip only
    credited = CreditedWeek.objects.get()
    assert (credited.subscription, credited.reason) == (unlucky, why)
    (message,) = [m for m in mail.outbox if unlucky.household.email in m.to]
    assert "15,00\xa0€" in message.body and "avoir" in message.body
    assert "15,00\xa0€" in message.alternatives[0][0]  # text and HTML, sent once
    assert send_week_credited(credited_week_id=credited.pk) == 0
    # cancelling the subscription afterwards does not credit that week a second time
    with _after_cutoff(amap):
        cancel_subscription(subscription=unlucky)
    weeks_after = len(amap.season.weeks(since=amap.distribution.week)) - 1
    assert balance(household=unlucky.household) == PRICE + PRICE * weeks_after


def test_no_credit_while_another_distribution_of_the_week_can_bring_the_basket(amap):
    Catalogue.objects.filter(pk=amap.offer.catalogue_id).update(status="draft")
    subscription = active_subscription(amap)
    DistributionFactory(
        pickup_point=amap.point,
        starts_at=amap.distribution.starts_at + timedelta(hours=3),
        status="scheduled",
    )
    with _after_cutoff(amap):
        close_distribution(distribution=amap.distribution)
        credit_missed_weeks(distribution_id=amap.distribution.pk)
    assert balance(household=subscription.household) == 0
    assert not CreditedWeek.objects.exists()


def test_every_week_is_delivered_skipped_or_credited(amap, django_capture_on_commit_callbacks):
    """Three subscribers, two baskets in stock: one delivered, one skipped, one credited."""
    amap.offer.remaining = 1
    amap.offer.save()
    delivered, skipped, short = (active_subscription(amap) for _ in range(3))
    skip_week(subscription=skipped, week=amap.distribution.week)
    generate_basket_orders()
    with _after_cutoff(amap), django_capture_on_commit_callbacks(execute=True):
        close_distribution(distribution=amap.distribution)  # sale_closed → credit
    week = amap.distribution.week
    states = {}
    for subscription in (delivered, skipped, short):
        states[subscription.pk] = [
            state
            for state, present in (
                ("delivered", subscription.basket_orders.filter(week=week).exists()),
                ("skipped", subscription.skips.filter(week=week).exists()),
                ("credited", subscription.credited_weeks.filter(week=week).exists()),
            )
            if present
        ]
    assert states == {
        delivered.pk: ["delivered"],
        skipped.pk: ["skipped"],
        short.pk: ["credited"],
    }
    assert CreditedWeek.objects.get().reason == "sold_out"
