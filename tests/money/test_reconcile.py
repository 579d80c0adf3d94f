"""``manage.py reconcile``: every euro kept, refunded or in a credit — and what does not add up
is printed, with a non-zero exit."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command

from orders.models import Order
from orders.services import cancel_order, change_order, close_distribution, pay_order, place_order
from payments.models import CreditEntry, Payment
from payments.reconcile import reconcile
from payments.services.wallet import add_credit
from subscriptions.services import skip_week
from tests.factories import UserFactory
from tests.payments.fakes import DECLINED, VISA
from tests.subscriptions.conftest import active_subscription

pytestmark = pytest.mark.django_db


def _order(market, lines, household=None, key="k"):
    return place_order(
        household=household or UserFactory(),
        distribution=market.distribution,
        lines={offer.pk: quantity for offer, quantity in lines},
        idempotency_key=key,
    )


def _check():
    report = reconcile()
    assert report.problems == [], "\n".join(report.problems)
    return report


@pytest.mark.parametrize("market_fixture", ["market", "far_market"])
def test_orders_paid_changed_cancelled_and_closed_add_up(market_fixture, request, fake_stripe):
    market = request.getfixturevalue(market_fixture)
    apples, pears = market.a.offers
    (honey,) = market.b.offers  # farm B is below its minimum at the close
    credit_holder = UserFactory()
    add_credit(household=credit_holder, amount_cents=450, reason="adjustment", reference="gift")
    first = _order(market, [(apples, 3), (honey, 1)], household=credit_holder, key="1")
    pay_order(order=first, payment_method=VISA)
    second = _order(market, [(pears, 2)], key="2")
    pay_order(order=second, payment_method=VISA)
    change_order(order=Order.objects.get(pk=second.pk), quantities={second.lines.get().pk: 1})
    third = _order(market, [(apples, 1)], key="3")
    pay_order(order=third, payment_method=VISA)
    cancel_order(order=Order.objects.get(pk=third.pk))
    declined = _order(market, [(apples, 1)], key="4")
    with pytest.raises(Exception):  # noqa: B017 — the card is declined
        pay_order(order=declined, payment_method=DECLINED)
    report = _check()
    assert report.card_received_cents + report.card_authorised_cents > 0
    with time_machine.travel(market.distribution.cutoff_at + timedelta(minutes=1)):
        assert close_distribution(distribution=market.distribution)
    report = _check()
    # Kept: what was sold (farm A only); the credit holder's 4.50 € went into apples.
    assert report.kept_cents == 3 * 300 + 199
    assert report.card_authorised_cents == 0  # all captured or released at the close
    assert report.card_received_cents - report.card_refunded_cents == (
        report.kept_cents + report.credit_balance_cents - 450
    )


def test_a_season_its_skips_and_its_baskets_add_up(amap, fake_stripe):
    from subscriptions.services import generate_basket_orders

    subscription = active_subscription(amap)
    # The season was paid by card (as its purpose would have recorded it).
    Payment.objects.create(
        purpose_kind="subscription",
        purpose_id=subscription.pk,
        payer=subscription.household,
        intent_id="pi_season",
        capture_method="automatic",
        status="succeeded",
        amount_cents=subscription.total_cents,
        amount_received_cents=subscription.total_cents,
    )
    generate_basket_orders()
    _check()
    skip_week(subscription=subscription, week=amap.distribution.week + timedelta(weeks=1))
    report = _check()
    assert report.credit_balance_cents == subscription.price_cents


def test_what_does_not_add_up_is_printed_and_the_command_fails(market, fake_stripe, capsys):
    (apples, _pears) = market.a.offers
    order = _order(market, [(apples, 2)])
    pay_order(order=order, payment_method=VISA)
    call_command("reconcile")
    assert "Everything adds up." in capsys.readouterr().out

    # A euro appears from nowhere: the card holds more than the order keeps.
    Payment.objects.filter(purpose_id=order.pk).update(
        amount_received_cents=700, status="succeeded"
    )
    # And a credit movement nobody owns.
    CreditEntry.objects.create(
        household=order.household, amount_cents=-50, reason="payment", reference="lost"
    )
    with pytest.raises(CommandError, match="problem"):
        call_command("reconcile")
    out = capsys.readouterr().out
    assert f"order {order.pk}" in out and "off by +100 c" in out
    assert "(lost) belongs to nothing" in out
    assert "negative credit" in out


def test_the_admin_shows_the_reconciliation(market, fake_stripe, admin_client, client):
    (apples, _pears) = market.a.offers
    order = _order(market, [(apples, 2)])
    pay_order(order=order, payment_method=VISA)
    listing = admin_client.get("/admin/payments/payment/")
    assert "/admin/payments/payment/reconcile/" in listing.content.decode()
    page = admin_client.get("/admin/payments/payment/reconcile/")
    assert page.status_code == 200
    assert "Tout concorde." in page.content.decode()
    assert "6,00" in page.content.decode()
    Payment.objects.filter(purpose_id=order.pk).update(
        amount_received_cents=700, status="succeeded"
    )
    page = admin_client.get("/admin/payments/payment/reconcile/").content.decode()
    assert "ne concordent pas" in page and f"order {order.pk}" in page
    # Households and anonymous visitors are sent to the log-in page.
    client.force_login(order.household)
    assert client.get("/admin/payments/payment/reconcile/").status_code == 302
