"""``manage.py reconcile``: every euro kept, refunded or in a credit — and what does not add up
is printed, with a non-zero exit."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import translation

from orders.models import Order, OrderLine, Settlement
from orders.services import cancel_order, change_order, close_distribution, pay_order, place_order
from orders.services.corrections import mark_delivered
from orders.services.weighing import charge_unweighed_orders, enter_weight
from payments.models import CreditEntry, Payment
from payments.reconcile import reconcile
from payments.selectors import credit_ledger
from payments.services.wallet import add_credit, balance, set_refund_preference
from payments.services.withdrawals import withdraw_credit
from subscriptions.services import skip_week
from tests.factories import UserFactory
from tests.orders.conftest import weighed_offer
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
def test_orders_paid_changed_cancelled_and_closed_add_up(
    market_fixture, request, fake_stripe, django_capture_on_commit_callbacks
):
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
        with django_capture_on_commit_callbacks() as settling:
            assert close_distribution(distribution=market.distribution)
        # Closed, not settled yet: what the cards hold beyond what they keep is on its way back.
        report = _check()
        assert report.to_settle_cents > 0
        for callback in settling:
            callback()
    report = _check()
    assert report.to_settle_cents == 0
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


def test_a_weight_lowered_after_the_card_was_settled_as_credit_adds_up_while_settling(
    far_market, fake_stripe, django_capture_on_commit_callbacks
):
    """Paid at once (the sale is far), weighed after the margin came back as credit: while
    the new settlement waits for its task, what the card already gave back as credit is not
    counted twice (the invariant machine found it)."""
    capture = django_capture_on_commit_callbacks
    market = far_market
    (apples, _pears) = market.a.offers
    cheese = weighed_offer(market.a, stock=5)
    household = UserFactory()
    set_refund_preference(household=household, to_credit=True)
    order = _order(market, [(apples, 1), (cheese, 3)], household=household)
    pay_order(order=order, payment_method=VISA)
    assert Payment.objects.get(purpose_id=order.pk).amount_received_cents == 300 + 2850 + 428
    distribution = market.distribution
    with time_machine.travel(distribution.cutoff_at + timedelta(minutes=1)), capture():
        assert close_distribution(distribution=distribution)
    with time_machine.travel(distribution.ends_at + timedelta(hours=1)):
        with capture(execute=True):  # the line never weighed costs its estimate
            charge_unweighed_orders()
        assert balance(household=household) == 428  # the margin, kept as credit
        _check()
        line = OrderLine.objects.get(order=order, estimated_weight_g__isnull=False)
        with capture() as after_commit:  # the settling task has not run yet
            enter_weight(producer=line.producer, line_id=line.pk, weight_g=1)
        assert Settlement.objects.get(order=order).status == Settlement.Status.PENDING
        report = _check()
        assert report.to_settle_cents == 3150 - 302
        with capture(execute=True):
            for callback in after_commit:  # the settling task, then the farms' payouts
                callback()
    assert Settlement.objects.get(order=order).status == Settlement.Status.DONE
    assert balance(household=household) == 428 + 3150 - 302
    _check()


def test_what_an_order_gives_back_after_credit_went_back_through_its_card_is_not_lost(
    far_market, fake_stripe, django_capture_on_commit_callbacks
):
    """Credit asked back through an order's card after the close leaves the card less to
    refund: a correction of the order gives back all it owes — to the card what it can take,
    the rest as credit — and the household is whole."""
    capture = django_capture_on_commit_callbacks
    market = far_market
    apples, _pears = market.a.offers
    household = UserFactory()
    order = _order(market, [(apples, 10)], household=household)
    pay_order(order=order, payment_method=VISA)
    payment = Payment.objects.get(purpose_id=order.pk)
    assert payment.amount_received_cents == 3000
    add_credit(household=household, amount_cents=2000, reason="adjustment", reference="gift")
    distribution = market.distribution
    with time_machine.travel(distribution.cutoff_at + timedelta(minutes=1)):
        with capture(execute=True):
            assert close_distribution(distribution=distribution)
        withdrawal = withdraw_credit(household=household, amount_cents=2000)
        assert withdrawal.refunded_cents == 2000
        assert [r.payment_id for r in withdrawal.refunds] == [payment.pk]
        _check()
        line = OrderLine.objects.get(order=order)
        with capture() as after_commit:  # the farm brought none: everything comes back
            mark_delivered(producer=line.producer, line_id=line.pk, delivered=0)
        assert _check().to_settle_cents == 3000  # on its way back, the settling task to run
        with capture(execute=True):
            for callback in after_commit:
                callback()
    assert Order.objects.get(pk=order.pk).status == "cancelled"
    assert fake_stripe.captured(payment.intent_id) == 0  # the card paid 30 €, got 30 € back
    assert balance(household=household) == 2000  # and the credit is whole again
    report = _check()
    assert report.to_settle_cents == 0
    with translation.override("fr"):
        labels = [e.label for e in credit_ledger(user=household).entries]
    assert "Remboursé sur votre avoir : votre carte en avait déjà reçu autant" in labels
