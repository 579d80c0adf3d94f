"""Farms ask to supply a pickup point; hosts decide; the distance limit holds."""

import pytest
from django.urls import reverse

from common.geo import distance_km
from pickup.errors import AlreadyRequested, NotAHost, ProducerNotLocated, TooFar
from pickup.models import Supplier
from pickup.services import decide_supply, request_supply
from tests.factories import PickupPointFactory, ProducerFactory, SupplierFactory, UserFactory

pytestmark = pytest.mark.django_db

LILLE = (50.6366, 3.0635)
LOCQUIGNOL = (50.2003, 3.7294)  # ~65 km
PERPIGNAN = (42.6986, 2.8956)  # ~880 km


def _producer_at(position, member=None):
    producer = ProducerFactory(latitude=position[0], longitude=position[1])
    if member:
        producer.members.add(member)
    return producer


def test_the_distance_is_computed_and_stored():
    point = PickupPointFactory(latitude=LILLE[0], longitude=LILLE[1])
    supplier = request_supply(producer=_producer_at(LOCQUIGNOL), pickup_point=point)
    assert supplier.status == Supplier.Status.PENDING
    assert supplier.distance_km == pytest.approx(distance_km(LOCQUIGNOL, LILLE))
    assert 60 < supplier.distance_km < 75


def test_a_farm_beyond_the_limit_is_refused_with_too_far(api_client, settings):
    settings.SUPPLY_DISTANCE_LIMIT_KM = 250
    member = UserFactory()
    producer = _producer_at(PERPIGNAN, member)
    point = PickupPointFactory(latitude=LILLE[0], longitude=LILLE[1])
    with pytest.raises(TooFar):
        request_supply(producer=producer, pickup_point=point)

    api_client.force_authenticate(member)
    response = api_client.post(
        reverse("api:supply-request-list"),
        {"producer": producer.pk, "pickup_point": point.pk},
        format="json",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "too_far"
    assert body["limit_km"] == 250 and body["distance_km"] > 800
    assert not Supplier.objects.exists()


def test_the_limit_is_a_setting(settings):
    settings.SUPPLY_DISTANCE_LIMIT_KM = 50
    point = PickupPointFactory(latitude=LILLE[0], longitude=LILLE[1])
    with pytest.raises(TooFar):
        request_supply(producer=_producer_at(LOCQUIGNOL), pickup_point=point)
    settings.SUPPLY_DISTANCE_LIMIT_KM = 100
    assert request_supply(producer=_producer_at(LOCQUIGNOL), pickup_point=point).pk


def test_a_farm_without_a_position_cannot_ask_yet(api_client):
    member = UserFactory()
    producer = ProducerFactory(latitude=None, longitude=None, location_status="pending")
    producer.members.add(member)
    point = PickupPointFactory()
    api_client.force_authenticate(member)
    response = api_client.post(
        reverse("api:supply-request-list"),
        {"producer": producer.pk, "pickup_point": point.pk},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == ProducerNotLocated.code


def test_asking_twice_is_refused_but_asking_again_after_a_refusal_is_allowed():
    producer, point = ProducerFactory(), PickupPointFactory()
    host = UserFactory()
    point.hosts.add(host)
    supplier = request_supply(producer=producer, pickup_point=point)
    with pytest.raises(AlreadyRequested):
        request_supply(producer=producer, pickup_point=point)
    decide_supply(supplier=supplier, decided_by=host, approve=False)
    again = request_supply(producer=producer, pickup_point=point)
    assert again.pk == supplier.pk and again.status == Supplier.Status.PENDING
    assert again.decided_at is None


def test_only_a_host_of_the_point_decides():
    supplier = SupplierFactory(status="pending")
    host_elsewhere = UserFactory()
    PickupPointFactory().hosts.add(host_elsewhere)
    with pytest.raises(NotAHost):
        decide_supply(supplier=supplier, decided_by=host_elsewhere, approve=True)
    host = UserFactory()
    supplier.pickup_point.hosts.add(host)
    decided = decide_supply(supplier=supplier, decided_by=host, approve=True)
    assert decided.status == Supplier.Status.APPROVED
    assert decided.decided_by == host and decided.decided_at is not None


def test_approval_checks_the_limit_again_when_an_address_moved(settings):
    supplier = SupplierFactory(status="pending")
    host = UserFactory()
    supplier.pickup_point.hosts.add(host)
    producer = supplier.producer
    producer.latitude, producer.longitude = PERPIGNAN
    producer.save()
    with pytest.raises(TooFar):
        decide_supply(supplier=supplier, decided_by=host, approve=True)
    supplier.refresh_from_db()
    assert supplier.status == Supplier.Status.PENDING


def test_host_approves_and_refuses_through_the_api(api_client, world):
    api_client.force_authenticate(world.users["host_x"])
    supplier = world.supplier["x"]
    response = api_client.post(reverse("api:host-supply-request-approve", args=[supplier.pk]))
    assert response.json()["status"] == "approved"
    response = api_client.post(reverse("api:host-supply-request-refuse", args=[supplier.pk]))
    assert response.json()["status"] == "refused"
    response = api_client.get(reverse("api:host-supply-request-list"), {"status": "refused"})
    assert [row["id"] for row in response.json()["results"]] == [supplier.pk]
