"""The admin writes through the services (``common.admin.ServiceAdmin``): what holds for every
located row, a farm, a pickup point or a garden."""

import pytest
from django.urls import reverse

from common.geo import geocode
from gardens.models import Garden
from pickup.models import PickupPoint
from producers.models import Producer
from tests.admin_forms import admin_form_data, post_admin_form
from tests.factories import GardenFactory, PickupPointFactory, ProducerFactory, UserFactory

pytestmark = pytest.mark.django_db

ROUBAIX = "14 place Faidherbe, 59100 Roubaix"
LOCATED = [
    (PickupPoint, PickupPointFactory, "hosts"),
    (Producer, ProducerFactory, "members"),
    (Garden, GardenFactory, "coordinators"),
]


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize(("model", "factory", "people"), LOCATED)
def test_a_row_added_in_the_admin_is_geocoded_after_the_save(
    operator, django_capture_on_commit_callbacks, model, factory, people
):
    person = UserFactory()
    add = admin_url(model, "add")
    data = admin_form_data(operator.get(add), name="Roubaix", slug="roubaix", address=ROUBAIX)
    data[people] = [person.pk]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert operator.post(add, data).status_code == 302
    row = model.objects.get(slug="roubaix")
    assert (row.location_status, row.latitude) == ("pending", None)
    assert list(getattr(row, people).all()) == [person]
    assert len(callbacks) == 1
    callbacks[0]()
    row.refresh_from_db()
    assert (row.latitude, row.longitude) == geocode(ROUBAIX)[:2]
    assert row.location_status == "located"


@pytest.mark.parametrize(("model", "factory", "people"), LOCATED)
def test_a_new_address_is_geocoded_and_the_position_is_not_typed(
    operator, django_capture_on_commit_callbacks, model, factory, people
):
    row = factory()  # located in Lille
    change = admin_url(model, "change", row.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_admin_form(operator, change, address=ROUBAIX, latitude=1, longitude=1)
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.address == ROUBAIX
    assert (row.latitude, row.longitude) == geocode(ROUBAIX)[:2]
    assert row.location_status == "located"
