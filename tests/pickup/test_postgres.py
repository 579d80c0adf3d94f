"""On PostgreSQL: the box search uses the position index, and concurrent writes stay single."""

import json
import random
import threading

import pytest
from django.db import connection

from common.geo import bounding_box
from pickup.errors import AlreadyRequested, InvalidTransition
from pickup.models import Distribution, PickupPoint, Supplier
from pickup.selectors import nearest_points, public_points
from pickup.services import move_distribution, open_due_distributions, request_supply
from tests.factories import DistributionFactory, PickupPointFactory, ProducerFactory

pytestmark = pytest.mark.postgres
LILLE = (50.6330, 3.0586)
THREADS = 8


def _together(work, n=THREADS):
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(index):
        try:
            connection.ensure_connection()
            barrier.wait(timeout=10)
            results[index] = work()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db
def test_the_box_search_uses_the_position_index_among_ten_thousand_points():
    rng = random.Random(3)
    PickupPoint.objects.bulk_create(
        PickupPoint(
            name=f"P{i}",
            slug=f"p{i}",
            address="x",
            latitude=rng.uniform(43.0, 51.0),
            longitude=rng.uniform(-4.5, 7.5),
        )
        for i in range(10_000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE pickup_pickuppoint")
    min_lat, max_lat, min_lng, max_lng = bounding_box(LILLE, 20)
    boxed = public_points().filter(
        latitude__gte=min_lat, latitude__lte=max_lat, longitude__gte=min_lng, longitude__lte=max_lng
    )
    plan = json.loads(boxed.explain(format="json"))
    assert "pickup_pickuppoint_latlng" in json.dumps(plan)
    assert "Seq Scan" not in json.dumps(plan)
    found = nearest_points(origin=LILLE, radius_km=20)
    assert len(found) <= boxed.count() < 100


@pytest.mark.django_db(transaction=True)
def test_many_hands_opening_one_distribution_open_it_once():
    distribution = DistributionFactory(status="scheduled")  # its window has begun
    results = _together(
        lambda: move_distribution(
            distribution=Distribution.objects.get(pk=distribution.pk), to="open"
        )
    )
    assert sum(isinstance(r, Distribution) for r in results) == 1
    assert sum(isinstance(r, InvalidTransition) for r in results) == THREADS - 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_of_the_opening_task_share_the_work():
    due = [DistributionFactory(status="scheduled").pk for _ in range(10)]
    results = _together(open_due_distributions, n=4)
    opened = [pk for result in results for pk in result]
    assert sorted(opened) == sorted(due)  # each opened once, by exactly one run
    assert set(Distribution.objects.values_list("status", flat=True)) == {"open"}


@pytest.mark.django_db(transaction=True)
def test_the_same_supply_request_sent_at_once_is_recorded_once():
    producer, point = ProducerFactory(), PickupPointFactory()
    results = _together(lambda: request_supply(producer=producer, pickup_point=point))
    assert sum(isinstance(r, Supplier) for r in results) == 1
    assert sum(isinstance(r, AlreadyRequested) for r in results) == THREADS - 1
    assert Supplier.objects.count() == 1
