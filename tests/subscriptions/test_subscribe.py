"""Subscribing prepays the weeks left (credit first, card for the rest); full seasons queue."""

from datetime import timedelta

import pytest
import time_machine

from orders.errors import NotPayable
from payments.services.wallet import add_credit, balance
from subscriptions.errors import AlreadySubscribed, SeasonFull
from subscriptions.models import Subscription, SubscriptionWaitlistEntry
from subscriptions.services import (
    cancel_subscription,
    expire_waitlist_offers,
    join_waitlist,
    pay_subscription,
    refresh_subscription_payment,
    season_price,
    subscribe,
)
from subscriptions.tasks import expire_basket_offers_task
from tests.factories import UserFactory
from tests.payments.fakes import THREE_D_SECURE, VISA
from tests.subscriptions.conftest import PRICE, make_amap

pytestmark = pytest.mark.django_db
Waiting = SubscriptionWaitlistEntry.Status


def test_a_late_start_pays_only_the_weeks_left(amap):
    start, weeks, total = season_price(amap.season)
    assert start > amap.season.starts_on
    assert weeks == len(amap.season.weeks(since=start)) and weeks < len(amap.season.weeks())
    assert total == weeks * PRICE


def test_subscribing_pays_by_card_once(amap, fake_stripe):
    household = UserFactory()
    subscription = subscribe(household=household, season=amap.season, pickup_point=amap.point)
    assert subscription.status == Subscription.Status.PENDING
    result = pay_subscription(subscription=subscription, payment_method=VISA)
    assert result.subscription.status == Subscription.Status.ACTIVE
    assert pay_subscription(subscription=subscription).status == "succeeded"
    intent = fake_stripe.intents[result.subscription.intent_id]
    assert intent.amount == subscription.total_cents
    with pytest.raises(AlreadySubscribed):
        subscribe(household=household, season=amap.season, pickup_point=amap.point)


def test_credit_pays_first_and_a_fully_covered_season_needs_no_card(amap, fake_stripe):
    household = UserFactory()
    _, _, total = season_price(amap.season)
    add_credit(household=household, amount_cents=total + 100, reason="adjustment", reference="x")
    subscription = subscribe(household=household, season=amap.season, pickup_point=amap.point)
    assert subscription.status == Subscription.Status.ACTIVE
    assert subscription.card_cents == 0 and subscription.credit_used_cents == total
    assert balance(household=household) == 100
    assert fake_stripe.intents == {}


def test_a_full_season_offers_the_freed_place_to_the_first_in_line(db, fake_stripe):
    amap = make_amap(max_subscribers=1)
    first = subscribe(household=UserFactory(), season=amap.season, pickup_point=amap.point)
    pay_subscription(subscription=first, payment_method=VISA)
    late, later = UserFactory(), UserFactory()
    with pytest.raises(SeasonFull):
        subscribe(household=late, season=amap.season, pickup_point=amap.point)
    join_waitlist(household=late, season=amap.season, pickup_point=amap.point)
    join_waitlist(household=later, season=amap.season, pickup_point=amap.point)

    cancel_subscription(subscription=first)
    entries = {e.household_id: e for e in SubscriptionWaitlistEntry.objects.all()}
    assert entries[late.pk].status == Waiting.OFFERED
    assert entries[later.pk].status == Waiting.WAITING
    with pytest.raises(SeasonFull):  # the place is held for the first in line
        subscribe(household=later, season=amap.season, pickup_point=amap.point)

    expires = entries[late.pk].offer_expires_at
    with time_machine.travel(expires - timedelta(minutes=1)):
        assert expire_waitlist_offers() == 0
    with time_machine.travel(expires + timedelta(minutes=1)):
        assert expire_basket_offers_task() == 1
        assert expire_basket_offers_task() == 0  # idempotent
        entries = {e.household_id: e for e in SubscriptionWaitlistEntry.objects.all()}
        assert entries[late.pk].status == Waiting.EXPIRED
        assert entries[later.pk].status == Waiting.OFFERED
        taken = subscribe(household=later, season=amap.season, pickup_point=amap.point)
    assert taken.status == Subscription.Status.PENDING
    assert SubscriptionWaitlistEntry.objects.get(household=later).status == Waiting.ACCEPTED


def test_the_offer_email_leaves_after_the_commit(
    db, fake_stripe, mailoutbox, django_capture_on_commit_callbacks
):
    amap = make_amap(max_subscribers=1)
    first = subscribe(household=UserFactory(), season=amap.season, pickup_point=amap.point)
    waiting = UserFactory()
    join_waitlist(household=waiting, season=amap.season, pickup_point=amap.point)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        cancel_subscription(subscription=first)
        assert mailoutbox == []
    assert len(callbacks) == 1
    assert [m.to for m in mailoutbox] == [[waiting.email]]


def test_an_unpaid_subscription_lapses_gives_its_credit_back_and_frees_the_place(
    db, fake_stripe, settings
):
    amap = make_amap(max_subscribers=1)
    household = UserFactory()
    add_credit(household=household, amount_cents=500, reason="adjustment", reference="x")
    pending = subscribe(household=household, season=amap.season, pickup_point=amap.point)
    started = pay_subscription(subscription=pending, payment_method=THREE_D_SECURE)
    assert started.status == "requires_action"  # the household leaves during 3-D Secure
    assert balance(household=household) == 0
    later = timedelta(minutes=settings.ORDER_EXPIRY_MINUTES + 1)
    with time_machine.travel(pending.created_at + later):
        assert expire_basket_offers_task() == 1
        assert expire_basket_offers_task() == 0
    pending.refresh_from_db()
    assert pending.status == Subscription.Status.CANCELLED
    assert balance(household=household) == 500
    subscribe(household=UserFactory(), season=amap.season, pickup_point=amap.point)
    with pytest.raises(NotPayable):
        pay_subscription(subscription=pending, payment_method=VISA)
    # 3-D Secure completes afterwards: the money is given back, once
    fake_stripe.authenticate(pending.intent_id)
    refresh_subscription_payment(subscription=pending)
    refresh_subscription_payment(subscription=pending)
    assert fake_stripe.refunds == [(pending.intent_id, pending.card_cents)]


def test_the_webhook_activates_a_season_paid_after_3d_secure_once(client, amap, fake_stripe):
    from payments.models import StripeEvent
    from tests.orders.helpers import post_event

    pending = subscribe(household=UserFactory(), season=amap.season, pickup_point=amap.point)
    pay_subscription(subscription=pending, payment_method=THREE_D_SECURE)
    pending.refresh_from_db()
    fake_stripe.authenticate(pending.intent_id)
    obj = {"id": pending.intent_id, "metadata": {"subscription_id": str(pending.pk)}}
    for _ in range(2):
        answer = post_event(client, "evt_sub_1", "payment_intent.succeeded", obj)
        assert answer.status_code == 200
    pending.refresh_from_db()
    assert pending.status == Subscription.Status.ACTIVE
    assert StripeEvent.objects.filter(event_id="evt_sub_1").count() == 1
