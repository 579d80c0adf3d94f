"""Right after seed_demo, whatever the day and hour, every demo point can take orders."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from pickup.demo import DEMO_POINTS
from pickup.models import Distribution, PickupPoint, Supplier
from pickup.selectors import catalogue_offers
from producers.demo import DEMO_PRODUCERS

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def _check_demo():
    now = timezone.now()
    assert Supplier.objects.filter(status="approved").count() == len(DEMO_POINTS) * len(
        DEMO_PRODUCERS
    )
    for point in PickupPoint.objects.filter(slug__in=[p["slug"] for p in DEMO_POINTS]):
        open_ones = point.distributions.filter(
            status="open", opens_at__lte=now, cutoff_at__gte=now + timedelta(hours=20)
        )
        assert open_ones.exists(), point
        assert catalogue_offers(distribution=open_ones.first()).exists(), point
        assert point.distributions.filter(status="scheduled", starts_at__gt=now).count() >= 2


# Monday 00:05 to Sunday 23:55, across a week.
MOMENTS = [
    datetime(2026, 11, 30, 0, 5, tzinfo=PARIS) + timedelta(days=d, hours=h)
    for d in range(7)
    for h in (0, 23.8)
]


@pytest.mark.parametrize("moment", MOMENTS, ids=[m.strftime("%a-%H%M") for m in MOMENTS])
def test_every_demo_point_has_an_open_stocked_distribution(moment):
    with time_machine.travel(moment, tick=False):
        call_command("seed_demo", verbosity=0)
        _check_demo()


def test_seeding_twice_and_days_later_does_not_pile_up():
    with time_machine.travel(datetime(2026, 12, 2, 9, tzinfo=PARIS), tick=False):
        call_command("seed_demo", verbosity=0)
        first = Distribution.objects.count()
        call_command("seed_demo", verbosity=0)
        assert Distribution.objects.count() == first
    with time_machine.travel(datetime(2026, 12, 3, 9, tzinfo=PARIS), tick=False):
        call_command("seed_demo", verbosity=0)  # yesterday's open distributions are still good
        # only a new sale closed today (orders/demo.py); yesterday's stays, it has its orders
        assert Distribution.objects.count() == first + 1
        assert Distribution.objects.filter(status="closed").count() == 2
        _check_demo()


def test_the_demo_host_hosts_wazemmes():
    call_command("seed_demo", verbosity=0)
    point = PickupPoint.objects.get(slug="lille-wazemmes")
    assert list(point.hosts.values_list("email", flat=True)) == ["hote@demo.circuit-court.fr"]
