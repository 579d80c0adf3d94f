"""Eight orders of one household paid at once, all counting on the same credit (PostgreSQL):
the household's row lock serialises the spends and reservations, so nobody goes negative and
no more credit is spent than there was; each order is paid exactly once, credit + card."""

import pytest
from rest_framework.test import APIClient

from orders.models import Order
from orders.services import place_order
from orders.services.credit import credit_spent_on
from payments.models import CreditEntry, Payment
from payments.services.wallet import add_credit, balance
from tests.concurrency.race import run_together
from tests.payments.fakes import DECLINED, VISA

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


def _pay(user, order_id, card):
    def work():
        client = APIClient()
        client.force_authenticate(user)
        response = client.post(
            f"/api/v1/orders/{order_id}/pay/", {"payment_method": card}, format="json"
        )
        return response.status_code

    return work


def test_eight_orders_spending_the_same_credit_at_once(market, fake_stripe):
    household = market.household
    add_credit(household=household, amount_cents=1000, reason="adjustment", reference="gift")
    orders = [
        place_order(
            household=household,
            distribution=market.distribution,
            lines={market.a.offers[0].pk: 1},  # 3,00 € each: 24,00 € for 10,00 € of credit
            idempotency_key=f"race-{n}",
        )
        for n in range(THREADS)
    ]
    fake_stripe.delay = 0.05  # reservations stay live while others claim
    cards = [DECLINED if n % 4 == 3 else VISA for n in range(THREADS)]

    statuses = run_together(
        [_pay(household, order.pk, card) for order, card in zip(orders, cards, strict=True)]
    )

    assert all(isinstance(s, int) for s in statuses), statuses
    spent = -sum(
        CreditEntry.objects.filter(household=household, reason="payment").values_list(
            "amount_cents", flat=True
        )
    )
    assert balance(household=household) == 1000 - spent >= 0
    assert spent <= 1000
    for order in Order.objects.filter(pk__in=[o.pk for o in orders]):
        card = sum(
            p.amount_cents for p in Payment.objects.filter(purpose_id=order.pk) if p.holds_money
        )
        if order.status == Order.Status.PAID:
            assert card + credit_spent_on(order) == order.total_cents
        else:  # declined: no ledger line, nothing held
            assert (card, credit_spent_on(order)) == (0, 0)
    assert spent == sum(credit_spent_on(o) for o in Order.objects.filter(status=Order.Status.PAID))
