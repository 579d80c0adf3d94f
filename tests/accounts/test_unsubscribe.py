"""E-mail preferences: reminders can be turned off, from the account page or by the one-click
link every reminder carries (with ``List-Unsubscribe``), without logging in; receipts stay."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import SentEmail, User
from accounts.unsubscribe import unsubscribe_url
from handover.emails import send_reminder
from orders.models import Order
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed_order(market):
    from orders.services import place_order

    order = place_order(
        household=market.household,
        distribution=market.distribution,
        lines={market.a.offers[0].pk: 1},
        idempotency_key="k",
    )
    Order.objects.filter(pk=order.pk).update(status="confirmed", pickup_code="AB12")
    return order


def test_a_reminder_carries_the_link_and_headers_and_the_link_works_logged_out(
    confirmed_order, client
):
    assert send_reminder(order_id=confirmed_order.pk) == 1
    (message,) = mail.outbox
    link = re.search(r"<(http://[^>]+)>", message.extra_headers["List-Unsubscribe"]).group(1)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in message.body
    path = link.split("8000", 1)[1]

    page = client.get(path)  # opening the link (or a link checker) changes nothing
    assert page.status_code == 200
    household = User.objects.get(pk=confirmed_order.household_id)
    assert household.reminder_emails
    assert client.post(path).status_code == 200  # the button, or the mail client's one click
    household.refresh_from_db()
    assert not household.reminder_emails

    mail.outbox.clear()
    SentEmail.objects.all().delete()  # as if it had never gone out
    assert send_reminder(order_id=confirmed_order.pk) == 0
    assert mail.outbox == []


def test_a_forged_link_is_refused(client):
    user = UserFactory()
    good = unsubscribe_url(user=user, category="reminders").split("8000", 1)[1]
    forged = good.replace(f"/{user.pk}:", f"/{user.pk + 1}:")
    assert client.post(forged).status_code == 404
    assert User.objects.get(pk=user.pk).reminder_emails


def test_the_account_page_turns_e_mails_off_and_on(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("frontend:account")).status_code == 200
    client.post(reverse("frontend:account_emails"), {"roster_emails": "on"})
    user.refresh_from_db()
    assert (user.reminder_emails, user.roster_emails) == (False, True)
