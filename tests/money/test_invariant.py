"""Random sequences of what households, farms and hosts do, and after every step the money
still adds up (``payments.reconcile``): every euro kept for goods, refunded to its card, or in
a credit, once; nobody's credit negative.

Hypothesis drives a state machine (orders paid with and without credit, declined cards,
top-ups, credit asked back to the card, lowered and cancelled orders, seasons subscribed,
skipped, paused and cancelled, the close with a farm below its minimum and its settlements,
lines delivered short, lines sold by weight weighed (or charged at their estimate), hand-overs,
no-shows, a host cancelling) over one distribution (two farms — one with a minimum and one
selling a cheese by weight — and an AMAP season delivered there), three households, and a fake Stripe (declines included). The
number of examples is bounded for CI (``MONEY_INVARIANT_EXAMPLES``, default 50).
"""

from __future__ import annotations

import os
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, event
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from billing.invoicing import issue_distribution_invoices
from billing.mandates import accept_mandate
from common.errors import DomainError
from handover.services import cancel_distribution, mark_collected, mark_no_shows
from orders.models import Order, OrderLine, Settlement
from orders.services import (
    cancel_order,
    change_order,
    close_distribution,
    expire_unpaid_orders,
    pay_order,
    place_order,
)
from orders.services.closing import settle_order
from orders.services.corrections import mark_delivered
from orders.services.weighing import charge_unweighed_orders, enter_weight
from payments.reconcile import reconcile
from payments.services.topups import pay_topup, start_topup
from payments.services.wallet import add_credit, set_refund_preference
from payments.services.withdrawals import withdraw_credit
from pickup.schedule import week_of
from producers.models import Producer, Product
from subscriptions.models import BasketSeason, Subscription
from subscriptions.services import (
    cancel_subscription,
    generate_basket_orders,
    pause_subscription,
    pay_subscription,
    skip_week,
    subscribe,
)
from subscriptions.services.credited import credit_all_missed_weeks
from tests.billing.invoicing import FLAT_RATE, FRANCHISE, LIABLE
from tests.factories import DistributionFactory, UserFactory
from tests.orders.conftest import stocked_farm, weighed_offer
from tests.payments.fakes import DECLINED, VISA

pytestmark = pytest.mark.django_db(transaction=False)

EXAMPLES = int(os.environ.get("MONEY_INVARIANT_EXAMPLES", "50"))
index = st.integers(min_value=0, max_value=50)


def next_monday():
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday())


class Money(RuleBasedStateMachine):
    fake = None  # the fake Stripe of the running test

    @initialize(
        far=st.booleans(),
        first=st.lists(
            st.tuples(index, st.lists(st.tuples(index, st.integers(1, 4)), min_size=1, max_size=3)),
            min_size=1,
            max_size=4,
        ),
        use_credit=st.booleans(),
    )
    def market(self, far, first, use_credit):
        """One distribution, its farms and season, three households; the week starts with a
        few orders placed and paid (so that every example has sales)."""
        # Each example in its own savepoint, rolled back at the end: examples do not see
        # each other's money (reconcile checks everything there is).
        self.savepoint = transaction.atomic()
        self.savepoint.__enter__()
        self.fake.__init__()  # and a Stripe that remembers no key of an earlier example
        tz = timezone.get_current_timezone()
        day = next_monday() + timedelta(days=1 + (7 if far else 0))
        starts = datetime.combine(day, time(18, 0), tzinfo=tz)
        self.now = timezone.now().replace(microsecond=0)
        self.distribution = DistributionFactory(
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            opens_at=self.now - timedelta(hours=1),
            cutoff_at=starts - timedelta(hours=24),
            week=week_of(starts),
        )
        a = stocked_farm(self.distribution, prices=(300, 199), stock=20)
        b = stocked_farm(self.distribution, prices=(435,), stock=20, minimum_cents=2000)
        cheese = weighed_offer(a, stock=20)  # about 500 g for about 9.50 €, sold by weight
        self.offers = [*a.offers, *b.offers, cheese]
        basket_farm = stocked_farm(self.distribution, prices=(1500,), stock=2)
        product = Product.objects.get(pk=basket_farm.offers[0].product_id)
        product.category = "basket"
        product.save(update_fields=["category"])
        self.season = BasketSeason.objects.create(
            product=product,
            starts_on=self.distribution.week - timedelta(weeks=1),
            ends_on=self.distribution.week + timedelta(weeks=3),
            price_cents=1500,
            max_subscribers=3,
            max_skips=2,
            skip_deadline_hours=12,
        )
        self.season.pickup_points.add(self.distribution.pickup_point)
        # Three farms under mandate, three VAT regimes: their sales are invoiced once final,
        # and every correction after that credited (reconcile checks both).
        for farm, identity in [(a, LIABLE), (b, FLAT_RATE), (basket_farm, FRANCHISE)]:
            Producer.objects.filter(pk=farm.producer.pk).update(**identity)
            accept_mandate(
                kind="producer", ref=farm.producer.pk, name=farm.producer.name, by=UserFactory()
            )
        self.households = [UserFactory() for _ in range(3)]
        self.host = UserFactory()
        self.orders: list[int] = []
        self.subscriptions: list[int] = []
        self.closed = False  # the sale closed: corrections, hand-overs, no-shows
        self.selling = True  # ordering open: neither closed nor cancelled
        for who, picks in first:
            self.place(who=who, picks=picks, then="card", use_credit=use_credit)

    # --- helpers ----------------------------------------------------------------------------
    def at_now(self):
        return time_machine.travel(self.now, tick=False)

    def household(self, n):
        return self.households[n % len(self.households)]

    def order(self, n) -> Order | None:
        if not self.orders:
            return None
        return Order.objects.get(pk=self.orders[n % len(self.orders)])

    def subscription(self, n) -> Subscription | None:
        if not self.subscriptions:
            return None
        return Subscription.objects.get(pk=self.subscriptions[n % len(self.subscriptions)])

    def attempt(self, action, *args, **kwargs):
        """Run a service as a user would: a refusal (a domain error) changes nothing."""
        with self.at_now():
            try:
                return action(*args, **kwargs)
            except DomainError:
                return None
            finally:
                self.after_commit()

    def after_commit(self):
        """What a commit sets off for billing (the payout job after a correction): the
        distribution's invoices and credit notes, once its sale is final."""
        if hasattr(self, "distribution"):
            issue_distribution_invoices(distribution_id=self.distribution.pk, now=self.now)

    # --- what people do ---------------------------------------------------------------------
    @precondition(lambda self: self.selling)
    @rule(
        who=index,
        picks=st.lists(st.tuples(index, st.integers(1, 4)), min_size=1, max_size=3),
        then=st.sampled_from(["card", "card", "declined", "later"]),
        use_credit=st.booleans(),
    )
    def place(self, who, picks, then, use_credit):
        """A household orders, then (most often) pays at once."""
        lines = {self.offers[n % len(self.offers)].pk: q for n, q in picks}
        order = self.attempt(
            place_order,
            household=self.household(who),
            distribution=self.distribution,
            lines=lines,
            idempotency_key=f"o{len(self.orders)}-{who}",
        )
        if order is None:
            return
        self.orders.append(order.pk)
        if then != "later":
            card = DECLINED if then == "declined" else VISA
            self.attempt(pay_order, order=order, payment_method=card, use_credit=use_credit)

    @precondition(lambda self: self.selling)
    @rule(n=index, declined=st.booleans(), use_credit=st.booleans())
    def pay(self, n, declined, use_credit):
        order = self.order(n)
        if order is not None:
            card = DECLINED if declined else VISA
            self.attempt(pay_order, order=order, payment_method=card, use_credit=use_credit)

    @rule(who=index, cents=st.sampled_from([1000, 2000, 5000, 500, 1234]), declined=st.booleans())
    def top_up(self, who, cents, declined):
        topup = self.attempt(start_topup, household=self.household(who), amount_cents=cents)
        if topup is not None:
            card = DECLINED if declined else VISA
            self.attempt(pay_topup, topup=topup, payment_method=card)

    @rule(who=index, cents=st.integers(1, 6000))
    def withdraw(self, who, cents):
        """Credit asked back to the card (the latest card payments refunded first)."""
        self.attempt(withdraw_credit, household=self.household(who), amount_cents=cents)

    @precondition(lambda self: self.selling)
    @rule(n=index, line=index, quantity=st.integers(0, 3))
    def lower(self, n, line, quantity):
        order = self.order(n)
        if order is None:
            return
        lines = list(order.lines.filter(status="active").order_by("pk"))
        if lines:
            chosen = lines[line % len(lines)]
            self.attempt(change_order, order=order, quantities={chosen.pk: quantity})

    @precondition(lambda self: self.selling)
    @rule(n=index)
    def cancel(self, n):
        order = self.order(n)
        if order is not None:
            self.attempt(cancel_order, order=order)

    @rule(who=index, cents=st.integers(1, 3000))
    def gift_credit(self, who, cents):
        """An operator's adjustment (a top-up stands in for it): credit out of nowhere, counted
        as such."""
        add_credit(
            household=self.household(who),
            amount_cents=cents,
            reason="adjustment",
            reference=f"gift-{timezone.now().timestamp()}-{cents}",
        )

    @rule(who=index, to_credit=st.booleans())
    def refund_preference(self, who, to_credit):
        set_refund_preference(household=self.household(who), to_credit=to_credit)

    @rule(who=index, declined=st.booleans())
    def subscribe(self, who, declined):
        subscription = self.attempt(
            subscribe,
            household=self.household(who),
            season=self.season,
            pickup_point=self.distribution.pickup_point,
        )
        if subscription is None:
            return
        self.subscriptions.append(subscription.pk)
        if subscription.status == Subscription.Status.PENDING:
            card = DECLINED if declined else VISA
            self.attempt(pay_subscription, subscription=subscription, payment_method=card)
        self.baskets()  # the periodic task makes the week's basket order

    @precondition(lambda self: self.selling)
    @rule()
    def baskets(self):
        with self.at_now():
            generate_basket_orders()

    @precondition(lambda self: self.selling)
    @rule(n=index, later=st.integers(0, 2))
    def skip(self, n, later):
        subscription = self.subscription(n)
        if subscription is not None:
            week = self.distribution.week + timedelta(weeks=later)
            self.attempt(skip_week, subscription=subscription, week=week)

    @precondition(lambda self: self.selling)
    @rule(n=index)
    def pause(self, n):
        subscription = self.subscription(n)
        if subscription is not None:
            week = self.distribution.week + timedelta(weeks=1)
            self.attempt(
                pause_subscription,
                subscription=subscription,
                starts_on=week,
                ends_on=week + timedelta(days=6),
            )

    @rule(n=index)
    def unsubscribe(self, n):
        subscription = self.subscription(n)
        if subscription is not None:
            self.attempt(cancel_subscription, subscription=subscription)

    @precondition(lambda self: self.selling)
    @rule()
    def time_passes(self):
        """Unpaid orders and seasons lapse."""
        self.now += timedelta(minutes=settings.ORDER_EXPIRY_MINUTES + 1)
        if self.now >= self.distribution.cutoff_at:
            self.now = self.distribution.cutoff_at - timedelta(minutes=1)
        with self.at_now():
            expire_unpaid_orders()

    @precondition(lambda self: self.selling)
    @rule()
    def host_cancels(self):
        if self.attempt(cancel_distribution, distribution=self.distribution) is not None:
            self.selling = False

    @precondition(lambda self: self.selling)
    @rule()
    def close(self):
        if self.closed:
            return
        self.now = max(self.now, self.distribution.cutoff_at + timedelta(minutes=1))
        with self.at_now():
            self.closed = close_distribution(distribution=self.distribution) or self.closed
            self.selling = not self.closed
            self.beat()

    def beat(self):
        """Days went by: the periodic passes ran (basket weeks that brought no basket, lines
        never weighed charged at their estimate)."""
        credit_all_missed_weeks()
        charge_unweighed_orders()
        self.after_commit()

    @precondition(lambda self: self.closed)
    @rule()
    def settle(self):
        """The settling tasks run (until then, settlements are pending)."""
        with self.at_now():
            for order_id in Settlement.objects.filter(status="pending").values_list(
                "order_id", flat=True
            ):
                self.attempt(settle_order, order_id=order_id)

    @precondition(lambda self: self.closed)
    @rule(n=index, line=index, delivered=st.integers(0, 3))
    def short(self, n, line, delivered):
        """A farm brought less than it sold (or nothing) of one line, after the close."""
        sold = list(
            OrderLine.objects.filter(order__pk__in=self.orders, order__status="confirmed")
            .select_related("producer")
            .order_by("pk")
        )
        if sold:
            chosen = sold[(n + line) % len(sold)]
            self.attempt(
                mark_delivered, producer=chosen.producer, line_id=chosen.pk, delivered=delivered
            )

    @precondition(lambda self: self.closed)
    @rule(n=index, grams=st.sampled_from([1, 480, 500, 520, 575, 576, 900, 1040, 5000]))
    def weigh(self, n, grams):
        """A farm enters the real weight of a line sold by weight (again, perhaps)."""
        sold = list(
            OrderLine.objects.filter(order__pk__in=self.orders, estimated_weight_g__isnull=False)
            .select_related("producer")
            .order_by("pk")
        )
        if sold:
            chosen = sold[n % len(sold)]
            done = self.attempt(
                enter_weight, producer=chosen.producer, line_id=chosen.pk, weight_g=grams
            )
            event("weighed" if done and done.changed else "weight refused or unchanged")

    @precondition(lambda self: self.closed)
    @rule(n=index)
    def collect(self, n):
        order = self.order(n)
        if order is not None and self.closed:
            self.attempt(mark_collected, order=order, by=self.host)

    @precondition(lambda self: self.closed)
    @rule()
    def no_shows(self):
        if self.closed:
            grace = timedelta(minutes=settings.NO_SHOW_GRACE_MINUTES + 1)
            self.now = max(self.now, self.distribution.ends_at + grace)
            with self.at_now():
                mark_no_shows(distribution=self.distribution)
                self.beat()

    def teardown(self):
        if hasattr(self, "savepoint"):
            transaction.set_rollback(True)
            self.savepoint.__exit__(None, None, None)

    # --- what must always hold --------------------------------------------------------------
    @invariant()
    def money_adds_up(self):
        if not hasattr(self, "distribution"):
            return
        with self.at_now():
            report = reconcile()
        assert report.problems == [], "\n".join(report.problems)


def test_the_money_adds_up_after_every_step(fake_stripe):
    from hypothesis.stateful import run_state_machine_as_test

    Money.fake = fake_stripe
    run_state_machine_as_test(
        Money,
        settings=hypothesis_settings(
            max_examples=EXAMPLES,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
            database=None,
        ),
    )
