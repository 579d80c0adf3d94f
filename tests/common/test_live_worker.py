"""A real Celery worker consuming from Redis runs a project task end to end."""

import time

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app as celery_app
from producers.models import Producer
from tests.factories import ProducerFactory


@pytest.mark.live_worker
@pytest.mark.django_db(transaction=True)
def test_worker_on_redis_locates_a_producer():
    from common.tasks import locate_task

    producer = ProducerFactory(
        address="Ferme du Bocage, 59100 Roubaix",
        latitude=None,
        longitude=None,
        location_status="pending",
    )
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        result = locate_task.delay(producer._meta.label, producer.pk)
        assert result.id
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            producer.refresh_from_db()
            if producer.location_status != "pending":
                break
            time.sleep(0.1)
    assert producer.location_status == Producer.LocationStatus.LOCATED
    assert round(producer.latitude, 2) == 50.69
