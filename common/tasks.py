from celery import shared_task
from django.apps import apps

from common.errors import GeocoderUnavailable


@shared_task(
    autoretry_for=(GeocoderUnavailable,),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
)
def locate_task(model_label: str, pk: int) -> None:
    """Geocode one saved address (producer, pickup point, garden...). The service is
    imported here: it enqueues this task, so a module-level import would be a cycle."""
    from common.geo import locate

    instance = apps.get_model(model_label).objects.filter(pk=pk).first()
    if instance is not None:
        locate(instance)
