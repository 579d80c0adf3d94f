"""A household with something of every kind the service keeps about a person (orders and
lines, payments and refunds, credit, a top-up, a saved card, a plot, waiting lists, a work
day, a farm and a pickup point it belongs to, a token, e-mails sent, the terms accepted), for
the export and erasure tests."""

from __future__ import annotations

from types import SimpleNamespace

from accounts.models import SentEmail
from accounts.services import create_token
from gardens.models import WorkDaySignup
from legal.services import record_acceptance
from orders.services import pay_order, place_order
from payments.models import SavedCard, StripeCustomer
from payments.services import topups
from payments.services.withdrawals import withdraw_credit
from tests.factories import (
    PASSWORD,
    ProducerFactory,
    ReservationFactory,
    UserFactory,
    WaitlistEntryFactory,
    WorkDayFactory,
)
from tests.payments.fakes import VISA

EMAIL = "camille.erasmus@exemple.fr"
NAME = "Camille Erasmus-Vandamme"
PHONE = "+33 6 12 34 56 78"


def household_with_everything(market) -> SimpleNamespace:
    """``market``: the orders tests' far market (payments captured at once)."""
    user = UserFactory(email=EMAIL, full_name=NAME, phone=PHONE)
    record_acceptance(user=user)  # the terms, accepted at sign-up
    topup = topups.start_topup(household=user, amount_cents=2000)
    topups.pay_topup(topup=topup, payment_method=VISA)
    withdraw_credit(household=user, amount_cents=100)
    by_credit = place_order(
        household=user,
        distribution=market.distribution,
        lines={market.a.offers[0].pk: 2},
        idempotency_key="credit",
    )
    pay_order(order=by_credit, payment_method="", use_credit=True)
    by_card = place_order(
        household=user,
        distribution=market.distribution,
        lines={market.a.offers[1].pk: 1},
        idempotency_key="card",
    )
    pay_order(order=by_card, payment_method=VISA, use_credit=False)
    customer, _created = StripeCustomer.objects.get_or_create(
        user=user, defaults={"customer_id": "cus_erasmus"}
    )
    SavedCard.objects.get_or_create(
        customer=customer, payment_method_id=VISA, defaults={"brand": "visa", "last4": "4242"}
    )
    reservation = ReservationFactory(gardener=user)
    waiting = WaitlistEntryFactory(gardener=user)
    work_day = WorkDayFactory()
    WorkDaySignup.objects.create(work_day=work_day, gardener=user)
    farm = ProducerFactory(name="Ferme du Marais")
    farm.members.add(user)
    point = market.distribution.pickup_point
    point.hosts.add(user)
    create_token(user=user, name="téléphone")
    SentEmail.objects.create(user=user, key="order-0-paid", subject="Votre commande est payée")
    return SimpleNamespace(
        user=user,
        password=PASSWORD,
        orders=[by_credit, by_card],
        topup=topup,
        reservation=reservation,
        waiting=waiting,
        work_day=work_day,
        farm=farm,
        point=point,
    )
