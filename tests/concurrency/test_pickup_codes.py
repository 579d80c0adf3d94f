"""One pickup code per household per distribution, also when its orders are placed at the
same instant (PostgreSQL: the unique constraints of PickupCode decide)."""

import pytest

from orders.models import Order, PickupCode
from orders.services import place_order
from tests.concurrency.race import run_together
from tests.factories import UserFactory
from tests.orders.conftest import market  # noqa: F401  (shared fixture)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_orders_of_one_household_placed_at_once_share_one_code(market):  # noqa: F811
    household, neighbour = market.household, UserFactory()
    offers = [*market.a.offers, *market.b.offers]

    def place(who, n):
        offer = offers[n % len(offers)]
        return lambda: (
            place_order(
                household=who,
                distribution=market.distribution,
                lines={offer.pk: 1},
                idempotency_key=f"{who.pk}-{n}",
            ).pk
        )

    results = run_together([place(household, n) for n in range(4)] + [place(neighbour, 9)])
    assert not [r for r in results if isinstance(r, Exception)], results
    mine = set(Order.objects.filter(household=household).values_list("pickup_code", flat=True))
    theirs = set(Order.objects.filter(household=neighbour).values_list("pickup_code", flat=True))
    assert Order.objects.filter(household=household).count() == 4
    assert len(mine) == 1 and "" not in mine and mine != theirs
    codes = dict(PickupCode.objects.values_list("household_id", "code"))
    assert codes == {household.pk: mine.pop(), neighbour.pk: theirs.pop()}
