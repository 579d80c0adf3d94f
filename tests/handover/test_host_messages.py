"""What the host reads after closing a sale or cancelling a distribution says only what
happened: who is e-mailed, and nobody else."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from orders.services import pay_order, place_order
from tests.factories import UserFactory
from tests.payments.fakes import VISA

pytestmark = pytest.mark.django_db


def _host(market):
    host = UserFactory(email="hote@exemple.fr")
    market.distribution.pickup_point.hosts.add(host)
    return host


def _paid(market, lines, key):
    order = place_order(
        household=market.household,
        distribution=market.distribution,
        lines=lines,
        idempotency_key=key,
    )
    pay_order(order=order, payment_method=VISA)
    return order


def _close(client, market):
    url = reverse("frontend:host_distribution_close", args=[market.distribution.pk])
    with time_machine.travel(market.distribution.cutoff_at + timedelta(minutes=5)):
        response = client.post(url, {"confirm": "1"})
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_close_where_every_farm_reached_its_minimum_does_not_say_households_are_told(
    client, market, fake_stripe, django_capture_on_commit_callbacks
):
    market.a.producer.members.add(UserFactory(email="ferme@exemple.fr"))
    _paid(market, {market.a.offers[0].pk: 1}, "a-only")
    client.force_login(_host(market))

    with django_capture_on_commit_callbacks(execute=True):
        shown = _close(client, market)

    assert shown == [
        "La vente est clôturée. 1 ferme reçoit sa liste de préparation par e-mail. "
        "Les hôtes reçoivent par e-mail les commandes à remettre."
    ]
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["ferme@exemple.fr", "hote@exemple.fr"]  # no household


def test_a_close_below_a_farms_minimum_says_the_household_is_told(
    client, market, fake_stripe, django_capture_on_commit_callbacks
):
    # farm B's minimum is 20 €: its one line of 4,35 € is cancelled, the household is told
    _paid(market, {market.a.offers[0].pk: 1, market.b.offers[0].pk: 1}, "a-and-b")
    client.force_login(_host(market))

    with django_capture_on_commit_callbacks(execute=True):
        shown = _close(client, market)

    assert shown == [
        "La vente est clôturée. Les hôtes reçoivent par e-mail les commandes à remettre. "
        "1 foyer est prévenu par e-mail que des produits ne viendront pas."
    ]
    assert market.household.email in {a for message in mail.outbox for a in message.to}


def test_cancelling_a_distribution_says_how_many_households_are_told(client, market, fake_stripe):
    _paid(market, {market.a.offers[0].pk: 1}, "cancel")
    client.force_login(_host(market))

    response = client.post(
        reverse("frontend:host_distribution_move", args=[market.distribution.pk]),
        {"status": "cancelled", "confirm": "1"},
    )

    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Distribution annulée : 1 commande annulée ; son foyer est prévenu par e-mail et remboursé."
    ]
