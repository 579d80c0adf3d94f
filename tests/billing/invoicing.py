"""Helpers of the invoice tests: a farm that may be invoiced, a week sold and final."""

from datetime import timedelta

import time_machine

from billing.mandates import accept_mandate
from billing.services import pay_due_distributions
from tests.billing.test_payouts import _active_account, _close_and_finish, _order
from tests.factories import UserFactory

# Valid identifiers (Luhn, VAT key of the SIREN).
LIABLE = {"legal_name": "EARL des Tilleuls", "siret": "73282932000074",
          "vat_regime": "liable", "vat_number": "FR44732829320"}  # fmt: skip
FLAT_RATE = {"legal_name": "GAEC du Marais", "siret": "81234567610008", "vat_regime": "flat_rate"}
FRANCHISE = {"legal_name": "Marie Dupont EI", "siret": "40483304800022", "vat_regime": "franchise"}


def under_mandate(producer, identity=LIABLE, address="12 rue des Tilleuls, 59000 Lille"):
    for field, value in identity.items():
        setattr(producer, field, value)
    producer.address = address
    producer.full_clean(exclude=["slug", "latitude", "longitude"])
    producer.save()
    member = UserFactory(full_name="Jeanne Leroy")
    producer.members.add(member)
    accept_mandate(kind="producer", ref=producer.pk, name=producer.name, by=member)
    return member


def sell_and_finish(fake_stripe, capture, distribution, orders, farms):
    """Orders placed and paid (``orders``: [(key, [(offer, quantity)])]), the sale closed,
    the distribution done and its payouts made: the sale is final. Returns the orders and
    the moment after."""
    placed = [_order(distribution, lines, key) for key, lines in orders]
    for producer in farms:
        _active_account(fake_stripe, "producer", producer.pk)
    _active_account(fake_stripe, "pickup_point", distribution.pickup_point_id)
    after = _close_and_finish(distribution, capture)
    with time_machine.travel(after + timedelta(minutes=1)), capture(execute=True):
        pay_due_distributions()
    return placed, after + timedelta(minutes=1)
