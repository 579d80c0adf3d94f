from datetime import timedelta

import pytest
import time_machine

from billing.models import Payout
from billing.services import pay_due_distributions
from tests.billing.test_payouts import _active_account, _close_and_finish, _order
from tests.factories import DistributionFactory, UserFactory
from tests.orders.conftest import stocked_farm


@pytest.fixture
def paid_week(fake_stripe, django_capture_on_commit_callbacks):
    """One distribution, one farm with a member, a host; sold, done and paid."""
    capture = django_capture_on_commit_callbacks
    distribution = DistributionFactory()
    farm = stocked_farm(distribution, prices=(300,), name="Ferme des Tilleuls")
    member, host = UserFactory(), UserFactory()
    farm.producer.members.add(member)
    distribution.pickup_point.hosts.add(host)
    _order(distribution, [(farm.offers[0], 3)], "paid-week")
    _active_account(fake_stripe, "producer", farm.producer.pk)
    _active_account(fake_stripe, "pickup_point", distribution.pickup_point_id)
    after = _close_and_finish(distribution, capture)
    with time_machine.travel(after + timedelta(minutes=1)), capture(execute=True):
        pay_due_distributions()
    farm_payout = Payout.objects.get(distribution=distribution, producer=farm.producer)
    host_payout = Payout.objects.get(distribution=distribution, payee_kind="pickup_point")
    assert farm_payout.status == host_payout.status == "paid"
    return type(
        "PaidWeek",
        (),
        {
            "distribution": distribution,
            "producer": farm.producer,
            "point": distribution.pickup_point,
            "member": member,
            "host": host,
            "farm_payout": farm_payout,
            "host_payout": host_payout,
        },
    )
