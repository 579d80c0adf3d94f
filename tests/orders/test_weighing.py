"""Products sold by weight: the card is authorised for the estimate plus the farm's margin, the
farm weighs each line after the close, the household pays the real weight — never more than
was authorised — and a line never weighed costs its estimate."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone, translation

from common.errors import Invalid
from orders.errors import (
    AlreadyHandedOver,
    LineNotFound,
    NotSoldByWeight,
    SaleNotClosed,
    WeightAlreadyCharged,
)
from orders.models import LineChange, Order, OrderLine, Settlement
from orders.services import change_order, close_distribution, pay_order, place_order
from orders.services.corrections import mark_delivered
from orders.services.weighing import charge_unweighed_orders, enter_weight
from orders.weights import price_at_weight
from payments.errors import NothingRefundable
from payments.models import Refund
from payments.reconcile import reconcile
from payments.selectors import credit_ledger
from payments.services.wallet import add_credit, balance
from payments.services.withdrawals import withdraw_credit
from producers.models import Product
from tests.factories import UserFactory
from tests.orders.conftest import weighed_offer
from tests.payments.fakes import VISA

pytestmark = pytest.mark.django_db


def _paid(market, lines, household=None, key="k", card=VISA):
    order = place_order(
        household=household or UserFactory(),
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


def _weigh(line, grams, capture, by=None):
    with capture(execute=True):
        return enter_weight(producer=line.producer, line_id=line.pk, weight_g=grams, by=by)


def _on_card(fake, order):
    return sum(fake.captured(p.intent_id) for p in order.payments)


def _check():
    report = reconcile()
    assert report.problems == [], "\n".join(report.problems)


def test_the_price_of_a_weight_is_the_estimates_price_per_gram_rounded_once_at_most_the_margin():
    assert (
        price_at_weight(unit_price_cents=950, estimated_weight_g=500, weight_g=500, most_cents=9999)
        == 950
    )
    assert (
        price_at_weight(
            unit_price_cents=950, estimated_weight_g=500, weight_g=1040, most_cents=9999
        )
        == 1976
    )
    # 333 c for 300 g: 1 g = 1.11 c; 301 g = 334.11 c → 334
    assert (
        price_at_weight(unit_price_cents=333, estimated_weight_g=300, weight_g=301, most_cents=9999)
        == 334
    )
    assert (
        price_at_weight(
            unit_price_cents=950, estimated_weight_g=500, weight_g=2000, most_cents=1093
        )
        == 1093
    )


def test_a_weighed_line_is_authorised_with_the_margin_and_captured_at_its_real_weight(
    market, fake_stripe, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    cheese = weighed_offer(market.a)
    apples = market.a.offers[0]
    farmer = UserFactory()
    order = _paid(market, [(cheese, 2), (apples, 1)])  # 19.00 € estimated + 3.00 €
    line = OrderLine.objects.get(order=order, offer=cheese)
    assert (line.estimated_weight_g, line.margin_bp, line.unit_price_cents) == (500, 1500, 950)
    assert (order.total_cents, order.margin_cents) == (2200, 285)
    (payment,) = order.payments
    assert fake_stripe.intents[payment.intent_id].amount == 2485  # estimate + 15 % of 19.00 €
    _check()

    _close(market, capture)
    order.refresh_from_db()
    settlement = Settlement.objects.get(order=order)
    assert settlement.status == "weighing" and settlement.card_keep_cents == 2485
    assert fake_stripe.intents[payment.intent_id].status == "requires_capture"  # waits
    _check()

    result = _weigh(line, 1040, capture, by=farmer)
    assert result.changed and result.pending
    line.refresh_from_db()
    order.refresh_from_db()
    assert (line.weight_g, line.weighed_cents, line.total_cents) == (1040, 1976, 1976)
    assert line.host_share_cents + line.platform_share_cents + line.producer_share_cents == 1976
    assert (order.total_cents, order.margin_cents) == (2276, 0)
    assert _on_card(fake_stripe, order) == 2276  # captured once, the rest released
    assert Settlement.objects.get(order=order).status == "done"
    change = LineChange.objects.get(line=line)
    assert (change.actor, change.reason, change.weight_before_g, change.weight_after_g) == (
        farmer,
        "weighed",
        None,
        1040,
    )
    _check()

    # the same weight again: one result
    again = _weigh(line, 1040, capture)
    assert not again.changed
    assert LineChange.objects.filter(line=line).count() == 1
    # the price is final: a heavier weight is refused, a lighter one gives the difference back
    with pytest.raises(WeightAlreadyCharged):
        _weigh(line, 1100, capture)
    _weigh(line, 1000, capture, by=farmer)
    assert [(r.reason, r.amount_cents) for r in Refund.objects.all()] == [("weighed", 76)]
    assert _on_card(fake_stripe, order) == 2200
    _check()


def test_a_weight_above_the_margin_costs_the_estimate_plus_the_margin(
    far_market, fake_stripe, django_capture_on_commit_callbacks
):
    """Captured at once (cutoff a week away) for estimate + margin: a heavy piece costs the
    most that was authorised, a light one gets the difference refunded."""
    capture = django_capture_on_commit_callbacks
    cheese = weighed_offer(far_market.a)
    heavy = _paid(far_market, [(cheese, 1)], key="heavy")
    light = _paid(far_market, [(cheese, 1)], key="light")
    assert _on_card(fake_stripe, heavy) == 950 + 143
    _close(far_market, capture)
    _weigh(OrderLine.objects.get(order=heavy), 2000, capture)
    _weigh(OrderLine.objects.get(order=light), 400, capture)
    assert _on_card(fake_stripe, heavy) == 1093
    assert _on_card(fake_stripe, light) == 760
    assert [r.amount_cents for r in Refund.objects.order_by("pk")] == [1093 - 760]
    _check()


def test_the_order_waits_for_its_last_weighed_line_and_weights_move_freely_until_then(
    market, fake_stripe, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    cheese = weighed_offer(market.a)
    ham = weighed_offer(market.a, name="Jambon", grams=200, price=600)
    order = _paid(market, [(cheese, 1), (ham, 1)])
    _close(market, capture)
    first = OrderLine.objects.get(order=order, offer=cheese)
    second = OrderLine.objects.get(order=order, offer=ham)
    assert not _weigh(first, 600, capture).pending
    assert _weigh(first, 450, capture).changed  # a mistake corrected, up or down
    assert not _weigh(first, 520, capture).pending
    (payment,) = order.payments
    assert fake_stripe.intents[payment.intent_id].status == "requires_capture"
    _check()
    assert _weigh(second, 210, capture).pending
    assert _on_card(fake_stripe, order) == 988 + 630
    _check()


def test_a_weighed_order_paid_with_credit_gets_back_what_the_weight_does_not_cost(
    market, fake_stripe, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    household = UserFactory()
    add_credit(household=household, amount_cents=5000, reason="adjustment", reference="gift")
    cheese = weighed_offer(market.a)
    order = _paid(market, [(cheese, 1)], household=household, card="")
    assert order.status == "paid" and not order.payments.exists()
    assert balance(household=household) == 5000 - 1093
    _close(market, capture)
    assert balance(household=household) == 5000 - 1093  # kept until weighed
    _check()
    _weigh(OrderLine.objects.get(order=order), 480, capture)
    assert balance(household=household) == 5000 - 912
    _check()
    with translation.override("fr"):
        (back,) = [e for e in credit_ledger(user=household).entries if e.amount_cents > 0][:1]
    assert back.label == f"Commande n° {order.pk} pesée : la différence avec l’estimation rendue"


def test_a_line_never_weighed_costs_its_estimate_once_handed_over_or_the_distribution_over(
    market, fake_stripe, django_capture_on_commit_callbacks, settings
):
    capture = django_capture_on_commit_callbacks
    cheese = weighed_offer(market.a)
    collected = _paid(market, [(cheese, 1)], key="collected")
    forgotten = _paid(market, [(cheese, 2)], key="forgotten")
    _close(market, capture)
    with capture(execute=True):
        assert charge_unweighed_orders() == []  # nobody collected, the distribution is ahead
    Order.objects.filter(pk=collected.pk).update(
        collected_at=timezone.now() - timedelta(seconds=settings.HANDOVER_UNDO_SECONDS + 1)
    )
    with capture(execute=True):
        assert charge_unweighed_orders() == [collected.pk]
    assert _on_card(fake_stripe, collected) == 950
    line = OrderLine.objects.get(order=collected)
    assert (line.weight_g, line.weighed_cents) == (None, 950)
    with (
        time_machine.travel(market.distribution.ends_at + timedelta(minutes=1)),
        capture(execute=True),
    ):
        assert charge_unweighed_orders() == [forgotten.pk]
        assert charge_unweighed_orders() == []  # twice is once
    assert _on_card(fake_stripe, forgotten) == 1900
    _check()


def test_a_weighed_line_marked_short_drops_its_margin(
    market, fake_stripe, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    cheese = weighed_offer(market.a)
    apples = market.a.offers[0]
    order = _paid(market, [(cheese, 1), (apples, 1)])
    _close(market, capture)
    line = OrderLine.objects.get(order=order, offer=cheese)
    with capture(execute=True):
        result = mark_delivered(producer=line.producer, line_id=line.pk, delivered=0)
    assert result.pending
    order.refresh_from_db()
    assert (order.total_cents, order.margin_cents) == (300, 0)
    assert _on_card(fake_stripe, order) == 300
    _check()


def test_lowering_a_weighed_order_before_the_cutoff_keeps_the_margin_of_what_is_left(
    far_market, fake_stripe
):
    cheese = weighed_offer(far_market.a)
    order = _paid(far_market, [(cheese, 2)])
    assert _on_card(fake_stripe, order) == 1900 + 285
    (line,) = order.lines.all()
    change_order(order=order, quantities={line.pk: 1})
    order.refresh_from_db()
    assert (order.total_cents, order.margin_cents) == (950, 143)
    assert _on_card(fake_stripe, order) == 1093
    _check()


def test_weights_that_cannot_be_entered_are_refused_with_their_code(
    market, fake_stripe, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    cheese = weighed_offer(market.a)
    apples = market.a.offers[0]
    order = _paid(market, [(cheese, 1), (apples, 1)])
    line = OrderLine.objects.get(order=order, offer=cheese)
    with pytest.raises(SaleNotClosed):
        _weigh(line, 500, capture)
    _close(market, capture)
    with pytest.raises(LineNotFound):  # another farm's line
        enter_weight(producer=market.b.producer, line_id=line.pk, weight_g=500)
    with pytest.raises(NotSoldByWeight):
        _weigh(OrderLine.objects.get(order=order, offer=apples), 500, capture)
    for bad in (0, -5, 100_001, "500", 12.5, True, None):
        with pytest.raises(Invalid):
            _weigh(line, bad, capture)
    Order.objects.filter(pk=order.pk).update(collected_at=timezone.now())
    with pytest.raises(AlreadyHandedOver):
        _weigh(line, 500, capture)
    line.refresh_from_db()
    assert line.weight_g is None and not LineChange.objects.filter(line=line).exists()


def test_a_product_sold_by_weight_is_measured_in_kg_or_g(market):
    product = Product(
        producer=market.a.producer,
        name="Oeufs",
        category="eggs",
        unit="dozen",
        price_cents=400,
        sold_by_weight=True,
    )
    with pytest.raises(Exception, match="kg or g"):
        product.full_clean()


def test_credit_asked_back_does_not_go_through_a_payment_still_waiting_for_its_weights(
    far_market, fake_stripe, django_capture_on_commit_callbacks
):
    """The settlement gives back what the card holds beyond the weighed price: a withdrawal
    through that payment meanwhile would take the household's credit for money the settlement
    then gives back anyway (found by the money state machine)."""
    capture = django_capture_on_commit_callbacks
    household = UserFactory()
    cheese = weighed_offer(far_market.a)
    order = _paid(far_market, [(cheese, 3)], household=household)  # captured at once
    _close(far_market, capture)
    add_credit(household=household, amount_cents=342, reason="adjustment", reference="gift")
    with pytest.raises(NothingRefundable):
        withdraw_credit(household=household, amount_cents=342)
    assert balance(household=household) == 342
    _check()
    _weigh(OrderLine.objects.get(order=order), 1500, capture)  # 28.50 €, as estimated
    assert _on_card(fake_stripe, order) == 2850
    result = withdraw_credit(household=household, amount_cents=342)
    assert result.refunded_cents == 342 and _on_card(fake_stripe, order) == 2850 - 342
    _check()
