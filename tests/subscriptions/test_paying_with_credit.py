"""Credit pays first when paying an order (add-ons); the card pays the rest."""

from datetime import timedelta

import pytest
import time_machine

from orders.models import Order
from orders.services import close_distribution, pay_order, place_order
from payments.errors import CardDeclined
from payments.services.wallet import add_credit, balance
from tests.factories import UserFactory
from tests.payments.fakes import DECLINED, VISA

pytestmark = pytest.mark.django_db


def _order(market, lines, household):
    return place_order(
        household=household,
        distribution=market.distribution,
        lines={offer.pk: quantity for offer, quantity in lines},
        idempotency_key="k",
    )


def test_an_order_covered_by_credit_needs_no_card(market, fake_stripe):
    household = UserFactory()
    add_credit(household=household, amount_cents=1000, reason="adjustment", reference="x")
    order = _order(market, [(market.a.offers[0], 2)], household)  # 6.00 €
    result = pay_order(order=order)
    assert result.order.status == Order.Status.PAID
    assert fake_stripe.intents == {}
    assert balance(household=household) == 400


def test_the_card_pays_what_credit_does_not(market, fake_stripe):
    household = UserFactory()
    add_credit(household=household, amount_cents=100, reason="adjustment", reference="x")
    order = _order(market, [(market.a.offers[0], 2)], household)
    result = pay_order(order=order, payment_method=VISA)
    assert result.order.status == Order.Status.PAID
    [intent] = fake_stripe.intents.values()
    assert intent.amount == 500
    assert balance(household=household) == 0


def test_a_declined_card_gives_the_credit_back(market, fake_stripe):
    household = UserFactory()
    add_credit(household=household, amount_cents=100, reason="adjustment", reference="x")
    order = _order(market, [(market.a.offers[0], 2)], household)
    with pytest.raises(CardDeclined):
        pay_order(order=order, payment_method=DECLINED)
    assert balance(household=household) == 100
    pay_order(order=order, payment_method=VISA)
    assert balance(household=household) == 0


def test_credit_spent_on_lines_cancelled_at_the_close_comes_back(
    far_market,
    fake_stripe,
):
    household = UserFactory()
    add_credit(household=household, amount_cents=1000, reason="adjustment", reference="x")
    # 3.00 € kept; 4.35 € from farm B (below its minimum) not sold: 7.35 € paid by credit
    order = _order(
        far_market, [(far_market.a.offers[0], 1), (far_market.b.offers[0], 1)], household
    )
    pay_order(order=order)
    assert balance(household=household) == 265
    with time_machine.travel(far_market.distribution.cutoff_at + timedelta(minutes=1)):
        close_distribution(distribution=far_market.distribution)
    assert Order.objects.get(pk=order.pk).total_cents == 300
    assert balance(household=household) == 1000 - 300
    assert fake_stripe.refunds == []
