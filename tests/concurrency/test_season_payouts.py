"""Paying the farm its AMAP seasons under races, on PostgreSQL: eight households subscribing and
paying at once, the farm's account activated while eight workers sweep, each subscription pays
the farm once — one season payout, at most one transfer — and the books add up."""

import pytest

from billing.models import SeasonPayout
from billing.seasons import send_season_payouts
from billing.services import pay_account_owner
from payments.models import ConnectedAccount, Transfer
from payments.reconcile import reconcile
from payments.services.wallet import add_credit
from subscriptions.models import Subscription
from subscriptions.services import pay_subscription, subscribe
from tests.concurrency.race import run_together
from tests.factories import UserFactory
from tests.payments.fakes import VISA
from tests.subscriptions.conftest import PRICE, make_amap

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _assert_reconciled():
    report = reconcile()
    assert report.problems == [], "\n".join(report.problems)


def test_eight_households_pay_at_once_each_season_pays_the_farm_once(db, fake_stripe):
    amap = make_amap(max_subscribers=10)
    account = ConnectedAccount.objects.get(owner_kind="producer", owner_id=amap.producer.pk)
    fake_stripe.activate(account.account_id)
    households = [UserFactory() for _ in range(8)]
    for n, household in enumerate(households[:4]):  # half of them pay partly with credit
        add_credit(household=household, amount_cents=3 * PRICE, reason="adjustment", reference=n)
    subscriptions = [
        subscribe(household=h, season=amap.season, pickup_point=amap.point) for h in households
    ]
    # The platform holds card money from earlier sales (the credit's transfers come from it).
    fake_stripe.create_payment_intent(
        amount_cents=100_000,
        customer_id="cus_x",
        payment_method=VISA,
        capture_method="automatic",
        idempotency_key="earlier",
        metadata={},
    )
    fake_stripe.delay = 0.05

    def pay(subscription):
        return lambda: pay_subscription(subscription=subscription, payment_method=VISA).status

    # Each subscription paid twice at once (a double click), all eight at the same time.
    results = run_together([pay(s) for s in subscriptions for _ in range(2)])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Subscription.objects.filter(status="active").count() == 8
    assert SeasonPayout.objects.count() == 8
    for row in SeasonPayout.objects.select_related("subscription"):
        assert row.status == "paid", row
        assert row.charged_cents + (row.transfer.amount_cents if row.transfer else 0) == (
            row.farm_cents
        )
    assert len(fake_stripe.destinations) == 8  # one destination charge per subscription
    assert Transfer.objects.count() == len(fake_stripe.transfers) == 4
    _assert_reconciled()


def test_an_account_activated_while_eight_workers_sweep_pays_each_season_once(db, fake_stripe):
    amap = make_amap(max_subscribers=10)
    account = ConnectedAccount.objects.get(owner_kind="producer", owner_id=amap.producer.pk)
    # Onboarding not finished for transfers: credit-paid seasons wait.
    ConnectedAccount.objects.filter(pk=account.pk).update(payouts_enabled=False)
    fake_stripe.create_payment_intent(
        amount_cents=100_000,
        customer_id="cus_x",
        payment_method=VISA,
        capture_method="automatic",
        idempotency_key="earlier",
        metadata={},
    )
    for n in range(3):
        household = UserFactory()
        add_credit(household=household, amount_cents=20 * PRICE, reason="adjustment", reference=n)
        subscribe(household=household, season=amap.season, pickup_point=amap.point)
    assert set(SeasonPayout.objects.values_list("status", flat=True)) == {"waiting_account"}
    fake_stripe.activate(account.account_id)
    ConnectedAccount.objects.filter(pk=account.pk).update(payouts_enabled=True)
    fake_stripe.delay = 0.05
    results = run_together(
        [send_season_payouts] * 4 + [lambda: pay_account_owner(account_id=account.pk)] * 4
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    send_season_payouts()  # what a twin left to the one sending is found paid
    assert set(SeasonPayout.objects.values_list("status", flat=True)) == {"paid"}
    assert len(fake_stripe.transfers) == Transfer.objects.filter(status="sent").count() == 3
    assert fake_stripe.transferred(account.account_id) == sum(
        SeasonPayout.objects.values_list("farm_cents", flat=True)
    )
    _assert_reconciled()
