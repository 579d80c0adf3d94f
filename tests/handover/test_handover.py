"""Handing orders over, undo within a minute, no-shows after the grace, cancelling a day."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from handover.errors import DistributionNotCancellable, NotCollectable, UndoExpired
from handover.services import (
    cancel_distribution,
    claim_due_reminders,
    mark_collected,
    mark_no_shows,
    undo_collected,
)
from handover.tasks import mark_due_no_shows_task, send_due_reminders_task
from orders.models import Order, OrderLine
from tests.factories import UserFactory
from tests.handover.conftest import paid_order

pytestmark = pytest.mark.django_db


def _during(day, minutes=10):
    return time_machine.travel(day.distribution.starts_at + timedelta(minutes=minutes), tick=False)


def test_mark_collected_then_undo_within_a_minute_only(closed_day):
    order = closed_day.orders[0]
    with _during(closed_day):
        collected = mark_collected(order=order, by=closed_day.host)
        assert collected.collected_at is not None and collected.collected_by == closed_day.host
        again = mark_collected(order=order, by=UserFactory())
        assert again.collected_by == closed_day.host  # twice is once
    with _during(closed_day, minutes=10.5):
        assert undo_collected(order=order, by=closed_day.host).collected_at is None
    with _during(closed_day):
        mark_collected(order=order, by=closed_day.host)
    with _during(closed_day, minutes=12), pytest.raises(UndoExpired):
        undo_collected(order=order, by=closed_day.host)


def test_only_sold_orders_of_a_closed_day_can_be_collected(market, fake_stripe):
    order = paid_order(market, [(market.a.offers[0], 1)])
    with pytest.raises(NotCollectable):  # the sale is still open
        mark_collected(order=order, by=UserFactory())


def test_no_show_job_twice_is_once_and_never_touches_collected_orders(closed_day):
    first, second, third = closed_day.orders
    with _during(closed_day):
        mark_collected(order=first, by=closed_day.host)
    grace_over = closed_day.distribution.ends_at + timedelta(minutes=61)
    with time_machine.travel(closed_day.distribution.ends_at + timedelta(minutes=30)):
        assert mark_due_no_shows_task() == 0  # still within the grace period
    with time_machine.travel(grace_over):
        assert mark_due_no_shows_task() == 1
        states = {
            o.pk: o.status for o in Order.objects.filter(pk__in=[o.pk for o in closed_day.orders])
        }
        assert mark_due_no_shows_task() == 0
        assert mark_no_shows(distribution=closed_day.distribution) == 0
    assert states == {
        o.pk: o.status for o in Order.objects.filter(pk__in=[o.pk for o in closed_day.orders])
    }
    assert states[first.pk] == "confirmed"
    assert states[second.pk] == states[third.pk] == "no_show"
    closed_day.distribution.refresh_from_db()
    assert closed_day.distribution.status == "done"


def test_reminder_the_day_before_is_sent_once_per_order(
    closed_day, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with time_machine.travel(closed_day.distribution.starts_at - timedelta(hours=30)):
        assert send_due_reminders_task() == 0
    day_before = closed_day.distribution.starts_at - timedelta(hours=20)
    with time_machine.travel(day_before), django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders_task() == 3
        assert claim_due_reminders() == []
    assert len(mail.outbox) == 3
    codes = {o.pickup_code for o in closed_day.orders}
    assert {next(c for c in codes if c in m.body) for m in mail.outbox} == codes


def test_cancelling_a_distribution_refunds_everyone_in_full(
    far_market, fake_stripe, django_capture_on_commit_callbacks
):
    market = far_market  # captured at once: the money really has to come back
    apples = market.a.offers[0]
    paid = [paid_order(market, [(apples, 2)], key=str(n)) for n in range(2)]
    assert all(fake_stripe.captured(p.payments.get().intent_id) == 600 for p in paid)
    member = UserFactory()
    market.a.producer.members.add(member)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert cancel_distribution(distribution=market.distribution) == 2
    assert all(fake_stripe.captured(p.payments.get().intent_id) == 0 for p in paid)
    assert set(
        Order.objects.filter(distribution=market.distribution).values_list("status", flat=True)
    ) == {"cancelled"}
    assert set(
        OrderLine.objects.filter(order__in=paid).values_list("cancel_reason", flat=True)
    ) == {"distribution_cancelled"}
    apples.refresh_from_db()
    assert apples.remaining == apples.quantity
    market.distribution.refresh_from_db()
    assert market.distribution.status == "cancelled"
    recipients = {r for m in mail.outbox for r in m.to}
    assert member.email in recipients and {p.household.email for p in paid} <= recipients
    with pytest.raises(DistributionNotCancellable):
        cancel_distribution(distribution=market.distribution)


def test_a_distribution_with_orders_cannot_be_cancelled_without_refunds(
    market, fake_stripe, api_client
):
    paid_order(market, [(market.a.offers[0], 1)])
    host = UserFactory()
    market.distribution.pickup_point.hosts.add(host)
    api_client.force_authenticate(host)
    response = api_client.post(f"/api/v1/host/distributions/{market.distribution.pk}/cancel/")
    assert response.status_code == 409  # the pickup endpoint only moves the status
    market.distribution.refresh_from_db()
    assert market.distribution.status == "open"
    response = api_client.post(
        f"/api/v1/distribution-day/distributions/{market.distribution.pk}/cancel/"
    )
    assert response.status_code == 200 and response.json() == {"cancelled_orders": 1}


def test_the_pages_ask_the_services_when_a_sale_closes_a_distribution_cancels_a_code_shows(
    market, fake_stripe
):
    from datetime import timedelta

    from django.utils import timezone

    from handover.services import cancellable, undoable
    from orders.models import Order
    from orders.selectors import shows_pickup_code
    from orders.services.closing import closable

    distribution = market.distribution
    assert not closable(distribution) and cancellable(distribution)
    distribution.cutoff_at = timezone.now() - timedelta(minutes=1)
    assert closable(distribution) and cancellable(distribution)
    distribution.status = "closed"
    assert not closable(distribution) and not cancellable(distribution)

    order = Order(status="paid", pickup_code="ABCDE")
    for status in ("paid", "confirmed", "no_show"):  # a late household still collects
        order.status = status
        assert shows_pickup_code(order), status
    for status in ("awaiting_payment", "cancelled", "expired"):
        order.status = status
        assert not shows_pickup_code(order), status
    assert not shows_pickup_code(Order(status="confirmed", pickup_code=""))

    assert undoable(timezone.now()) and not undoable(None)
    assert not undoable(timezone.now() - timedelta(hours=1))
