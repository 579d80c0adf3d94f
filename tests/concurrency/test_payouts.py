"""Paying farms and hosts under races, on PostgreSQL: the payout job run twice and from
several workers at once sends one transfer per farm and per host per distribution; a late
refund checked by several workers at once is taken back once."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings

from billing.models import Payout
from billing.services import pay_due_distributions, settle_distribution_payouts
from billing.tasks import settle_distribution_payouts_task
from handover.services import mark_no_shows
from orders.models import Order, OrderLine
from orders.services import close_distribution, pay_order, place_order
from orders.services.corrections import mark_delivered
from payments.models import Transfer, TransferReversal
from payments.reconcile import reconcile
from payments.services import connect
from tests.concurrency.race import run_together
from tests.factories import UserFactory
from tests.payments.fakes import VISA

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _finished_market(market, fake):
    orders = []
    for n, lines in enumerate(
        [[(market.a.offers[0], 3)], [(market.a.offers[1], 2), (market.b.offers[0], 5)]]
    ):
        order = place_order(
            household=UserFactory(),
            distribution=market.distribution,
            lines={offer.pk: q for offer, q in lines},
            idempotency_key=f"k{n}",
        )
        pay_order(order=order, payment_method=VISA)
        orders.append(order)
    for kind, ref in [
        ("producer", market.a.producer.pk),
        ("producer", market.b.producer.pk),
        ("pickup_point", market.distribution.pickup_point_id),
    ]:
        account = connect.open_account(kind=kind, ref=ref, email="", name="x")
        connect.refresh_account_from(account, fake.activate(account.account_id))
    distribution = market.distribution
    with time_machine.travel(distribution.cutoff_at + timedelta(minutes=1)):
        assert close_distribution(distribution=distribution)
    after = distribution.ends_at + timedelta(minutes=settings.NO_SHOW_GRACE_MINUTES + 1)
    with time_machine.travel(after):
        mark_no_shows(distribution=distribution)
    return orders, after


def _assert_reconciled():
    report = reconcile()
    assert report.problems == [], "\n".join(report.problems)


def test_the_payout_job_from_eight_workers_sends_one_transfer_per_payee(market, fake_stripe):
    _orders, after = _finished_market(market, fake_stripe)
    fake_stripe.delay = 0.05
    distribution_id = market.distribution.pk

    def run():
        with time_machine.travel(after, tick=True):
            return len(settle_distribution_payouts(distribution_id=distribution_id))

    def job():
        with time_machine.travel(after, tick=True):
            return pay_due_distributions()

    results = run_together([run] * 4 + [job] * 4)
    assert not [r for r in results if isinstance(r, Exception)], results
    # The twins left what another was sending; the next run finds it all paid.
    with time_machine.travel(after + timedelta(minutes=5)):
        settle_distribution_payouts(distribution_id=distribution_id)
        settle_distribution_payouts(distribution_id=distribution_id)
    payouts = Payout.objects.filter(distribution_id=distribution_id)
    assert sorted(p.status for p in payouts) == ["paid", "paid", "paid"]
    assert len(fake_stripe.transfers) == 3
    assert Transfer.objects.count() == 3
    for payout in payouts:
        account = connect.account_of(payout.payee_kind, payout.payee_id)
        assert fake_stripe.transferred(account.account_id) == payout.net_cents > 0
    _assert_reconciled()


def test_a_late_refund_checked_by_eight_workers_is_taken_back_once(
    market, fake_stripe, monkeypatch
):
    orders, after = _finished_market(market, fake_stripe)
    with time_machine.travel(after):
        settle_distribution_payouts(distribution_id=market.distribution.pk)
    # The correction's own check is left to the racing workers.
    monkeypatch.setattr(settle_distribution_payouts_task, "delay", lambda *args: None)
    line = OrderLine.objects.get(order=orders[0], offer=market.a.offers[0])
    with time_machine.travel(after + timedelta(hours=1)):
        mark_delivered(producer=line.producer, line_id=line.pk, delivered=1)
    fake_stripe.delay = 0.05

    def check():
        with time_machine.travel(after + timedelta(hours=1), tick=True):
            return len(settle_distribution_payouts(distribution_id=market.distribution.pk))

    assert TransferReversal.objects.count() == 0
    results = run_together([check] * 8)
    assert not [r for r in results if isinstance(r, Exception)], results
    farm = Payout.objects.get(distribution=market.distribution, producer=market.a.producer)
    host = Payout.objects.get(distribution=market.distribution, payee_kind="pickup_point")
    assert TransferReversal.objects.filter(status="sent").count() == 2
    assert len(fake_stripe.reversals) == 2
    assert farm.held_cents == farm.net_cents and host.held_cents == host.net_cents
    assert Order.objects.filter(pk=orders[0].pk).exists()
    _assert_reconciled()
