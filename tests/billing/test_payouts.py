"""Farms and hosts are paid after each distribution: one transfer each, what was refunded
after it taken back in proportion, what a farm could not give back taken from its next payout,
and what is owed before the farm has an account paid once it has one."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings

from billing.models import Payout
from billing.services import pay_due_distributions, settle_distribution_payouts, shares
from handover.services import mark_no_shows
from orders.models import Order, OrderLine
from orders.services import close_distribution, pay_order, place_order
from orders.services.corrections import mark_delivered
from payments.models import ConnectedAccount, Transfer
from payments.services import connect
from tests.factories import DistributionFactory, SupplierFactory, UserFactory
from tests.orders.conftest import stocked_farm
from tests.payments.fakes import VISA

pytestmark = pytest.mark.django_db


def _order(distribution, lines, key):
    household = UserFactory()
    order = place_order(
        household=household,
        distribution=distribution,
        lines={offer.pk: quantity for offer, quantity in lines},
        idempotency_key=key,
    )
    pay_order(order=order, payment_method=VISA)
    return Order.objects.get(pk=order.pk)


def _active_account(fake, kind, ref):
    account = connect.open_account(kind=kind, ref=ref, email="farm@example.org", name="Ferme")
    return connect.refresh_account_from(account, fake.activate(account.account_id))


def _close_and_finish(distribution, capture):
    with time_machine.travel(distribution.cutoff_at + timedelta(minutes=1)), capture(execute=True):
        assert close_distribution(distribution=distribution)
    after = distribution.ends_at + timedelta(minutes=settings.NO_SHOW_GRACE_MINUTES + 1)
    with time_machine.travel(after), capture(execute=True):
        mark_no_shows(distribution=distribution)
    distribution.refresh_from_db()
    return after


def _mark(line, delivered, capture):
    with capture(execute=True):
        mark_delivered(producer=line.producer, line_id=line.pk, delivered=delivered)


def _farm_payout(distribution, producer):
    return Payout.objects.get(distribution=distribution, producer=producer)


def _host_payout(distribution):
    return Payout.objects.get(distribution=distribution, payee_kind="pickup_point")


def _identity(distribution):
    """Money sold at ``distribution`` = farms + host + platform, to the cent."""
    payouts = Payout.objects.filter(distribution=distribution)
    farms = sum(p.net_cents for p in payouts if p.payee_kind == "producer")
    host = sum(p.net_cents for p in payouts if p.payee_kind == "pickup_point")
    _farms, total = shares(distribution)
    assert total.sales_cents == farms + host + total.platform_cents
    return total


def test_a_week_at_two_points_from_three_farms_reconciles_to_the_cent(
    fake_stripe, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    north = DistributionFactory()
    south = DistributionFactory()
    a = stocked_farm(north, prices=(300, 199), name="Ferme A")
    b = stocked_farm(north, prices=(435,), name="Ferme B")
    c = stocked_farm(south, prices=(250,), name="Ferme C")
    # Farm A also supplies the south point.
    SupplierFactory(producer=a.producer, pickup_point=south.pickup_point)
    a_south = stocked_farm(south, prices=(120,), name="Ferme A bis")  # a second catalogue week

    first = _order(north, [(a.offers[0], 3), (b.offers[0], 2)], "n1")  # 9.00 + 8.70
    second = _order(north, [(a.offers[1], 4)], "n2")  # 7.96
    third = _order(south, [(c.offers[0], 4), (a_south.offers[0], 5)], "s1")  # 10.00 + 6.00
    for distribution in (north, south):
        for kind, ref in [("pickup_point", distribution.pickup_point_id)]:
            _active_account(fake_stripe, kind, ref)
    for farm in (a, b, c, a_south):
        _active_account(fake_stripe, "producer", farm.producer.pk)

    # Farm B delivers one jar less than sold, before the payout (refunded at once).
    _close_and_finish(north, capture)
    after = _close_and_finish(south, capture)
    _mark(OrderLine.objects.get(order=first, offer=b.offers[0]), 1, capture)

    with time_machine.travel(after), capture(execute=True):
        assert pay_due_distributions() == 2
        # Run again: nothing more is sent.
        pay_due_distributions()
    assert len(fake_stripe.transfers) == 6  # 4 farms + 2 hosts, one each
    assert Transfer.objects.filter(status="sent").count() == 6

    north_total = _identity(north)
    assert north_total.sales_cents == 900 + 435 + 796
    b_payout = _farm_payout(north, b.producer)
    assert b_payout.status == "paid"
    assert b_payout.sales_cents == 435
    assert b_payout.sent_cents == b_payout.net_cents == 435 - b_payout.host_cents - b_payout.platform_cents

    # The second household is refunded one unit of farm A after the payout: taken back from
    # farm A's and the host's transfers, in proportion to their shares.
    a_before, host_before = _farm_payout(north, a.producer), _host_payout(north)
    with time_machine.travel(after + timedelta(hours=1)):
        _mark(OrderLine.objects.get(order=second, offer=a.offers[1]), 3, capture)
    a_after, host_after = _farm_payout(north, a.producer), _host_payout(north)
    assert a_after.reversed_cents == a_before.net_cents - a_after.net_cents > 0
    assert host_after.reversed_cents == host_before.net_cents - host_after.net_cents > 0
    assert a_after.held_cents == a_after.net_cents
    assert host_after.held_cents == host_after.net_cents
    assert len(fake_stripe.reversals) == 2

    # In total: what the cards kept = farms + hosts + platform; what Stripe moved = the nets.
    for distribution in (north, south):
        total = _identity(distribution)
        kept = sum(
            fake_stripe.captured(p.intent_id)
            for order in Order.objects.filter(distribution=distribution)
            for p in order.payments
        )
        assert kept == total.sales_cents
    for payout in Payout.objects.all():
        account = connect.account_of(payout.payee_kind, payout.payee_id)
        assert fake_stripe.transferred(account.account_id) == payout.net_cents
    platform_share = sum(_identity(d).platform_cents for d in (north, south))
    assert fake_stripe.platform_balance() == platform_share


def test_what_is_owed_before_the_account_is_active_is_paid_once_it_is(
    fake_stripe, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    distribution = DistributionFactory()
    farm = stocked_farm(distribution, prices=(500,))
    _order(distribution, [(farm.offers[0], 2)], "k")
    after = _close_and_finish(distribution, capture)
    with time_machine.travel(after), capture(execute=True):
        settle_distribution_payouts(distribution_id=distribution.pk)
    payout = _farm_payout(distribution, farm.producer)
    assert payout.status == "waiting_account"
    assert fake_stripe.transfers == {}
    # The farm activates: the account update pays what it was owed, once.
    account = connect.open_account(kind="producer", ref=farm.producer.pk, email="", name="F")
    with capture(execute=True):
        connect.apply_account(fake_stripe.activate(account.account_id))
    payout.refresh_from_db()
    assert payout.status == "paid"
    assert fake_stripe.transferred(account.account_id) == payout.net_cents > 0


def test_a_refund_the_farm_balance_cannot_cover_is_taken_from_its_next_payout(
    fake_stripe, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    first = DistributionFactory()
    farm = stocked_farm(first, prices=(1000,))
    account = _active_account(fake_stripe, "producer", farm.producer.pk)
    order = _order(first, [(farm.offers[0], 2)], "k1")
    after = _close_and_finish(first, capture)
    with time_machine.travel(after), capture(execute=True):
        settle_distribution_payouts(distribution_id=first.pk)
    paid = _farm_payout(first, farm.producer)
    assert paid.status == "paid"
    # The farm's balance went to its bank; then a line is found short.
    fake_stripe.pay_out(account.account_id)
    with time_machine.travel(after):
        _mark(OrderLine.objects.get(order=order), 1, capture)
    paid.refresh_from_db()
    owed_back = paid.sent_cents - paid.net_cents
    assert paid.debt_cents == owed_back > 0
    assert paid.reversed_cents == 0
    assert Transfer.objects.get(pk=paid.transfer_id).reversals.get().status == "failed"

    # Next week: its payout is lower by that debt, and the debt is settled.
    second = DistributionFactory(pickup_point=first.pickup_point,
                                 starts_at=first.starts_at + timedelta(days=7))
    from tests.factories import CatalogueFactory
    from producers.models import Offer

    catalogue = CatalogueFactory(producer=farm.producer, week=second.week, status="published")
    offer = Offer.objects.create(
        catalogue=catalogue, product=farm.offers[0].product, price_cents=1000, quantity=5,
        remaining=5,
    )
    with time_machine.travel(second.opens_at + timedelta(minutes=1)):
        _order(second, [(offer, 2)], "k2")
    after = _close_and_finish(second, capture)
    with time_machine.travel(after), capture(execute=True):
        settle_distribution_payouts(distribution_id=second.pk)
    next_payout = _farm_payout(second, farm.producer)
    assert next_payout.debt_taken_cents == owed_back
    assert next_payout.sent_cents == next_payout.net_cents - owed_back
    # Over both weeks the farm received exactly what it earned.
    assert fake_stripe.transferred(account.account_id) == paid.net_cents + next_payout.net_cents


def test_nothing_is_paid_before_the_distribution_is_done(
    fake_stripe, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    distribution = DistributionFactory()
    farm = stocked_farm(distribution, prices=(500,))
    _active_account(fake_stripe, "producer", farm.producer.pk)
    _order(distribution, [(farm.offers[0], 2)], "k")
    with time_machine.travel(distribution.cutoff_at + timedelta(minutes=1)), capture(execute=True):
        close_distribution(distribution=distribution)
        settle_distribution_payouts(distribution_id=distribution.pk)
    assert _farm_payout(distribution, farm.producer).status == "upcoming"
    assert fake_stripe.transfers == {}
    # PAYOUT_DELAY_DAYS after its end, paid even if nobody finished the handover.
    late = distribution.ends_at + timedelta(days=settings.PAYOUT_DELAY_DAYS, minutes=1)
    with time_machine.travel(late), capture(execute=True):
        settle_distribution_payouts(distribution_id=distribution.pk)
    assert _farm_payout(distribution, farm.producer).status == "paid"


def test_an_account_not_yet_active_keeps_its_status(fake_stripe):
    account = connect.open_account(kind="producer", ref=1, email="", name="F")
    assert account.status == ConnectedAccount.Status.PENDING
    pending = connect.refresh_account_from(account, fake_stripe.activate(account.account_id, active=False))
    assert pending.status == ConnectedAccount.Status.NEEDS_INFORMATION
    assert connect.open_account(kind="producer", ref=1, email="", name="F").pk == account.pk
