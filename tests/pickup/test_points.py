"""Opening and editing pickup points (``create_pickup_point``, ``update_pickup_point``)."""

import pytest

from common.errors import Invalid
from common.geo import geocode
from pickup import services
from pickup.models import PickupPoint
from tests.factories import PickupPointFactory, UserFactory

pytestmark = pytest.mark.django_db

ROUBAIX = "14 place Faidherbe, 59100 Roubaix"


def test_a_new_point_is_pending_then_geocoded_after_the_commit(django_capture_on_commit_callbacks):
    host = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        point = services.create_pickup_point(
            name="Roubaix", slug="roubaix", address=ROUBAIX, hosts=[host]
        )
    assert point.location_status == PickupPoint.LocationStatus.PENDING
    assert (point.opens_days, point.cutoff_hours, point.capacity) == (6, 48, 60)
    assert list(point.hosts.all()) == [host]
    assert len(callbacks) == 1
    callbacks[0]()
    point.refresh_from_db()
    assert point.location_status == PickupPoint.LocationStatus.LOCATED
    assert (point.latitude, point.longitude) == geocode(ROUBAIX)[:2]


@pytest.mark.parametrize(("opens_days", "cutoff_hours"), [(2, 48), (1, 30)])
def test_ordering_must_open_before_it_closes(opens_days, cutoff_hours):
    with pytest.raises(Invalid) as refused:
        services.create_pickup_point(
            name="X", slug="x", address=ROUBAIX, opens_days=opens_days, cutoff_hours=cutoff_hours
        )
    assert list(refused.value.extra["errors"]) == ["opens_days"]
    assert not PickupPoint.objects.exists()
    point = PickupPointFactory(opens_days=6, cutoff_hours=48)
    with pytest.raises(Invalid):
        services.update_pickup_point(pickup_point=point, changes={"opens_days": opens_days})


def test_hosts_cannot_change_the_slug_or_the_hosts_operators_can():
    point, host = PickupPointFactory(slug="avant"), UserFactory()
    for field, value in (("slug", "apres"), ("hosts", [host])):
        with pytest.raises(Invalid) as refused:
            services.update_pickup_point(pickup_point=point, changes={field: value})
        assert list(refused.value.extra["errors"]) == [field]
    services.update_pickup_point(
        pickup_point=point, changes={"slug": "apres", "hosts": [host]}, operator=True
    )
    point.refresh_from_db()
    assert point.slug == "apres"
    assert list(point.hosts.all()) == [host]


def test_a_new_address_makes_the_position_pending_until_geocoded(
    django_capture_on_commit_callbacks,
):
    point = PickupPointFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.update_pickup_point(pickup_point=point, changes={"address": ROUBAIX})
    assert len(callbacks) == 1
    point.refresh_from_db()
    assert (point.latitude, point.longitude) == geocode(ROUBAIX)[:2]
    with django_capture_on_commit_callbacks() as callbacks:
        services.update_pickup_point(pickup_point=point, changes={"capacity": 10})
    assert callbacks == []
