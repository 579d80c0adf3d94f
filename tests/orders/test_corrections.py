"""A farm marks a line short after the close: the household gets the difference back (card or
credit), once; the statement and picking totals follow; every change is in the audit trail."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from handover.reports import producer_picking, producer_statement, reconcile
from orders.errors import (
    AlreadyHandedOver,
    LineNotFound,
    LineNotSold,
    QuantityAboveOrdered,
    SaleNotClosed,
)
from orders.models import LineChange, Order, OrderLine, Settlement
from orders.services import change_order, close_distribution, pay_order, place_order
from orders.services.corrections import mark_delivered
from payments.models import Refund
from payments.services.wallet import add_credit, balance, set_refund_preference
from tests.factories import UserFactory
from tests.payments.fakes import VISA

pytestmark = pytest.mark.django_db


def _paid(market, lines, household, key="k", card=VISA):
    order = place_order(
        household=household,
        distribution=market.distribution,
        lines={offer.pk: quantity for offer, quantity in lines},
        idempotency_key=key,
    )
    pay_order(order=order, payment_method=card)
    return Order.objects.get(pk=order.pk)


def _close(market, capture):
    with (
        time_machine.travel(market.distribution.cutoff_at + timedelta(minutes=1)),
        capture(execute=True),
    ):
        assert close_distribution(distribution=market.distribution)
    market.distribution.refresh_from_db()


def _mark(market, line, delivered, capture, by=None):
    with capture(execute=True):
        return mark_delivered(producer=line.producer, line_id=line.pk, delivered=delivered, by=by)


def _card_kept(fake, order):
    return sum(fake.captured(p.intent_id) for p in order.payments)


def _line(order, offer):
    return OrderLine.objects.get(order=order, offer=offer)


@pytest.mark.parametrize("market_fixture", ["market", "far_market"])
def test_a_line_short_after_the_close_is_given_back_to_the_card_once(
    market_fixture, request, fake_stripe, django_capture_on_commit_callbacks
):
    """Captured at the close (authorised: ``market``) or at once (``far_market``): the card
    is refunded the units not delivered; marking the same twice refunds once."""
    market = request.getfixturevalue(market_fixture)
    capture = django_capture_on_commit_callbacks
    apples, pears = market.a.offers
    farmer = UserFactory()
    market.a.producer.members.add(farmer)
    household = UserFactory()
    order = _paid(market, [(apples, 3), (pears, 2)], household)  # 9.00 + 3.98 €
    _close(market, capture)
    assert _card_kept(fake_stripe, order) == 1298
    mail.outbox.clear()

    line = _line(order, apples)
    result = _mark(market, line, 1, capture, by=farmer)
    assert result.changed and result.given_back_cents == 600
    again = _mark(market, line, 1, capture, by=farmer)
    assert not again.changed

    order.refresh_from_db()
    line.refresh_from_db()
    assert (line.quantity, line.ordered_quantity, line.status) == (1, 3, "active")
    assert order.total_cents == 300 + 398
    assert _card_kept(fake_stripe, order) == 698
    short = Refund.objects.filter(reason="short")
    assert [r.amount_cents for r in short] == [600] and short.get().stripe_refund_id != "credit"
    assert Settlement.objects.get(order=order).status == "done"
    # fee shares of the line follow, the statement and picking totals with them
    assert line.host_share_cents + line.platform_share_cents + line.producer_share_cents == 300
    statement = producer_statement(producer=market.a.producer, distribution=market.distribution)
    assert statement.sales_cents == 698
    assert statement.host_cents + statement.platform_cents + statement.producer_cents == 698
    (picking,) = producer_picking(producer=market.a.producer, distributions=[market.distribution])
    assert {pl.product_name: pl.quantity for pl in picking.lines} == {
        apples.product.name: 1,
        pears.product.name: 2,
    }
    sums = reconcile(distribution=market.distribution)
    assert sums.picking_cents == sums.lines_cents == sums.money_cents == 698
    # one e-mail to the household, with what comes back
    (message,) = [m for m in mail.outbox if m.to == [household.email]]
    assert apples.product.name in message.body and "6,00" in message.body
    # the audit trail: who, from what to what
    change = LineChange.objects.get(line=line)
    assert (change.actor, change.reason, change.quantity_before, change.quantity_after) == (
        farmer,
        "short",
        3,
        1,
    )

    # then nothing at all: the line is cancelled, the rest refunded
    _mark(market, line, 0, capture, by=farmer)
    line.refresh_from_db()
    order.refresh_from_db()
    assert (line.status, line.cancel_reason, line.host_share_cents) == ("cancelled", "short", None)
    assert order.total_cents == 398 and _card_kept(fake_stripe, order) == 398
    assert sorted(r.amount_cents for r in Refund.objects.filter(reason="short")) == [300, 600]
    with pytest.raises(QuantityAboveOrdered):
        _mark(market, line, 1, capture)


def test_short_to_credit_for_a_household_that_keeps_refunds_as_credit(
    far_market, fake_stripe, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    household = UserFactory()
    set_refund_preference(household=household, to_credit=True)
    (apples, pears) = far_market.a.offers
    order = _paid(far_market, [(apples, 2), (pears, 1)], household)
    _close(far_market, capture)
    _mark(far_market, _line(order, pears), 0, capture)
    _mark(far_market, _line(order, pears), 0, capture)  # twice: once
    assert balance(household=household) == 199
    assert fake_stripe.refunds == []
    # the card keeps what was delivered, the rest is marked given back as credit
    (payment,) = order.payments
    kept = payment.amount_received_cents - sum(r.amount_cents for r in payment.refunds.all())
    assert kept == 600
    assert reconcile(distribution=far_market.distribution).money_cents == 600


def test_short_before_the_capture_captures_less(
    market, fake_stripe, django_capture_on_commit_callbacks
):
    """Stripe away at the close: the settlement is still pending when the farm marks the
    line short; the authorisation is then captured for the delivered amount only."""
    capture = django_capture_on_commit_callbacks
    apples, _pears = market.a.offers
    order = _paid(market, [(apples, 3)], UserFactory())
    fake_stripe.down = True
    _close(market, capture)
    (payment,) = order.payments
    assert fake_stripe.intents[payment.intent_id].status == "requires_capture"
    fake_stripe.down = False
    _mark(market, _line(order, apples), 2, capture)
    assert fake_stripe.intents[payment.intent_id].amount_received == 600
    assert fake_stripe.refunds == [] and not Refund.objects.exists()
    assert Settlement.objects.get(order=order).status == "done"


def test_short_paid_by_credit_comes_back_as_credit(
    far_market, fake_stripe, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    household = UserFactory()
    add_credit(household=household, amount_cents=2000, reason="adjustment", reference="gift")
    apples, _ = far_market.a.offers
    order = place_order(
        household=household,
        distribution=far_market.distribution,
        lines={apples.pk: 3},
        idempotency_key="c",
    )
    pay_order(order=order)  # wholly by credit
    _close(far_market, capture)
    assert balance(household=household) == 1100
    _mark(far_market, _line(order, apples), 1, capture)
    assert balance(household=household) == 1700
    assert fake_stripe.refunds == []


def test_refusals(market, fake_stripe, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    apples, _pears = market.a.offers
    (honey,) = market.b.offers
    order = _paid(market, [(apples, 2), (honey, 1)], UserFactory())
    with pytest.raises(SaleNotClosed):
        mark_delivered(producer=market.a.producer, line_id=_line(order, apples).pk, delivered=1)
    _close(market, capture)
    with pytest.raises(LineNotFound):  # another farm's line
        mark_delivered(producer=market.b.producer, line_id=_line(order, apples).pk, delivered=1)
    with pytest.raises(LineNotSold):  # farm B was below its minimum
        mark_delivered(producer=market.b.producer, line_id=_line(order, honey).pk, delivered=0)
    with pytest.raises(QuantityAboveOrdered):
        mark_delivered(producer=market.a.producer, line_id=_line(order, apples).pk, delivered=3)
    Order.objects.filter(pk=order.pk).update(collected_at=order.created_at)
    with pytest.raises(AlreadyHandedOver):
        mark_delivered(producer=market.a.producer, line_id=_line(order, apples).pk, delivered=1)


def test_every_change_of_a_line_is_in_the_audit_trail(
    market, fake_stripe, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    apples, pears = market.a.offers
    (honey,) = market.b.offers
    household = UserFactory()
    order = _paid(market, [(apples, 3), (pears, 2), (honey, 1)], household, key="1")
    change_order(order=order, quantities={_line(order, apples).pk: 2, _line(order, pears).pk: 0})
    unpaid = place_order(
        household=UserFactory(),
        distribution=market.distribution,
        lines={pears.pk: 1},
        idempotency_key="2",
    )
    _close(market, capture)
    rows = {
        (c.line_id, c.actor_id, c.reason, c.quantity_before, c.quantity_after)
        for c in LineChange.objects.all()
    }
    assert rows == {
        (_line(order, apples).pk, household.pk, "household", 3, 2),
        (_line(order, pears).pk, household.pk, "household", 2, 0),
        (_line(order, honey).pk, None, "minimum_not_reached", 1, 0),
        (_line(unpaid, pears).pk, None, "unpaid", 1, 0),
    }


def test_the_ledger_names_a_short_line_and_top_ups_in_words(
    far_market, fake_stripe, django_capture_on_commit_callbacks
):
    from django.utils import translation

    from payments.selectors import credit_ledger
    from payments.services.topups import pay_topup, start_topup

    capture = django_capture_on_commit_callbacks
    household = UserFactory()
    set_refund_preference(household=household, to_credit=True)
    (apples, pears) = far_market.a.offers
    order = _paid(far_market, [(apples, 2), (pears, 1)], household)
    _close(far_market, capture)
    _mark(far_market, _line(order, pears), 0, capture)
    pay_topup(topup=start_topup(household=household, amount_cents=1000), payment_method=VISA)
    with translation.override("fr"):
        labels = [entry.label for entry in credit_ledger(user=household).entries]
    assert labels == [
        "Avoir rechargé par carte",
        f"Commande n° {order.pk} : produit manquant remboursé ({pears.product.name})",
    ]
