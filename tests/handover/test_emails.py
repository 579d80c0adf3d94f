"""Distribution-day e-mails on the shared helper: each person in their language, text and
HTML, once, times in Europe/Paris."""

import html
from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from accounts.models import User
from common.emails import format_slot
from handover.emails import send_close_emails
from handover.tasks import send_due_reminders_task
from tests.orders.test_emails import both, only_mail

pytestmark = pytest.mark.django_db


def test_the_reminder_in_english_for_a_household_who_chose_it_once(
    closed_day, django_capture_on_commit_callbacks
):
    order = closed_day.orders[0]
    User.objects.filter(pk=order.household_id).update(language="en")
    mail.outbox.clear()
    day_before = closed_day.distribution.starts_at - timedelta(hours=20)
    with time_machine.travel(day_before), django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders_task() == 3
    message = only_mail(order.household)
    assert message.subject.startswith("Reminder: your order at ")
    text = both(message)
    assert order.pickup_code in text and "Pickup code" in text
    assert html.unescape(message.alternatives[0][0]).count(order.pickup_code) == 1


def test_after_the_close_each_farmer_and_host_once_in_their_language(
    closed_day, django_capture_on_commit_callbacks
):
    distribution = closed_day.distribution
    farmer = closed_day.market.a.producer.members.create(
        email="farmer@example.org", full_name="Paul Ferme", language="en"
    )
    # The close already e-mailed the host (after its commit); the farmer joined the farm since.
    host = only_mail(closed_day.host)
    send_close_emails(distribution_id=distribution.pk)
    message = only_mail(farmer)
    assert message.subject.startswith("Picking list for ")
    assert f"4 × {closed_day.market.a.offers[0].product.name}" in both(message)
    assert only_mail(closed_day.host) is host  # not twice
    assert host.subject.startswith("Commandes pour ")
    assert format_slot(distribution.starts_at, distribution.ends_at, year=True) in host.subject
    assert "colisage" in both(host)
    sent = len(mail.outbox)
    assert send_close_emails(distribution_id=distribution.pk) == 0  # a rerun sends nothing
    assert len(mail.outbox) == sent
