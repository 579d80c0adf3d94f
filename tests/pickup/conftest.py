from types import SimpleNamespace

import pytest
from django.core.cache import cache

from tests.factories import (
    DistributionFactory,
    PickupPointFactory,
    ProducerFactory,
    SupplierFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Ids come back between tests: never serve one test's cached catalogue to the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    """Two farms (A, B), two pickup points (X, Y), one member or host each, a household.

    Side "x" is producer A's request at point X; side "y" is producer B's at point Y.
    """
    users = {
        name: UserFactory()
        for name in ("producer_a", "producer_b", "host_x", "host_y", "household")
    }
    producer_a, producer_b = ProducerFactory(), ProducerFactory()
    producer_a.members.add(users["producer_a"])
    producer_b.members.add(users["producer_b"])
    point_x, point_y = PickupPointFactory(), PickupPointFactory(latitude=50.69, longitude=3.17)
    point_x.hosts.add(users["host_x"])
    point_y.hosts.add(users["host_y"])
    return SimpleNamespace(
        users=users,
        producer={"x": producer_a, "y": producer_b},
        point={"x": point_x, "y": point_y},
        distribution={
            side: DistributionFactory(pickup_point=point, status="scheduled", days_ahead=10)
            for side, point in (("x", point_x), ("y", point_y))
        },
        supplier={
            "x": SupplierFactory(producer=producer_a, pickup_point=point_x, status="pending"),
            "y": SupplierFactory(producer=producer_b, pickup_point=point_y, status="pending"),
        },
    )
