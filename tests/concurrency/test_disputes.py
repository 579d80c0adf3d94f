"""A dispute lost, announced by Stripe several times at once, on PostgreSQL: one dispute row,
and each payee's share taken back once."""

import pytest
import time_machine
from django.test import Client

from billing.models import Payout
from billing.services import settle_distribution_payouts
from payments.models import Dispute, Payment, TransferReversal
from payments.reconcile import reconcile
from tests.concurrency.race import run_together
from tests.concurrency.test_payouts import _finished_market
from tests.orders.helpers import post_event

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_eight_deliveries_of_a_lost_dispute_take_each_share_back_once(market, fake_stripe):
    orders, after = _finished_market(market, fake_stripe)
    with time_machine.travel(after):
        settle_distribution_payouts(distribution_id=market.distribution.pk)
    assert set(Payout.objects.values_list("status", flat=True)) == {"paid"}
    payment = Payment.objects.get(purpose_kind="order", purpose_id=orders[1].pk)
    body = {
        "id": "dp_race",
        "object": "dispute",
        "payment_intent": payment.intent_id,
        "amount": payment.amount_received_cents,
        "status": "lost",
        "reason": "fraudulent",
    }
    fake_stripe.delay = 0.02

    def deliver(n):
        # The same event four times, and four other events about the same dispute.
        event_id = "evt_closed" if n < 4 else f"evt_other_{n}"
        kind = "charge.dispute.closed" if n < 4 else "charge.dispute.funds_withdrawn"
        return lambda: post_event(Client(), event_id, kind, body).status_code

    results = run_together([deliver(n) for n in range(8)])
    assert results == [200] * 8, results
    dispute = Dispute.objects.get()
    assert dispute.status == "lost"
    reversals = TransferReversal.objects.exclude(status="failed")
    payees = Payout.objects.filter(disputed_cents__gt=0)
    assert payees.count() == reversals.count() >= 2  # the farms of order 2 and the host
    for payout in payees:
        assert payout.reversed_cents == payout.sent_cents - payout.net_cents
    report = reconcile()
    assert report.problems == [], "\n".join(report.problems)
    assert report.disputed_cents == payment.amount_received_cents
