"""Operators change pickup points in the admin through the services, as hosts do."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from pickup.models import PickupPoint
from tests.admin_forms import admin_form_data, post_admin_form
from tests.factories import DistributionFactory, PickupPointFactory, UserFactory

pytestmark = pytest.mark.django_db

ROUBAIX = "14 place Faidherbe, 59100 Roubaix"


def change_url(point):
    return reverse("admin:pickup_pickuppoint_change", args=[point.pk])


def test_a_refused_change_is_a_form_error_and_nothing_is_saved(operator):
    point = PickupPointFactory(opens_days=6, cutoff_hours=48)
    response = post_admin_form(
        operator, change_url(point), name="Renamed", address=ROUBAIX, opens_days=1
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["opens_days"] == ["Les commandes doivent ouvrir avant de fermer."]
    assert form["name"].value() == "Renamed"  # what was typed is kept
    assert PickupPoint.objects.filter(
        pk=point.pk, name=point.name, address=point.address, opens_days=6, location_status="located"
    ).exists()


def test_a_refused_new_point_is_a_form_error(operator):
    add = reverse("admin:pickup_pickuppoint_add")
    response = post_admin_form(
        operator,
        add,
        name="Trop court",
        slug="trop-court",
        address=ROUBAIX,
        opens_days=2,
        cutoff_hours=48,
    )
    assert response.status_code == 200
    assert "opens_days" in response.context["adminform"].form.errors
    assert not PickupPoint.objects.filter(slug="trop-court").exists()


def test_operators_change_the_slug_and_the_hosts(operator):
    point = PickupPointFactory()
    host = UserFactory()
    data = admin_form_data(operator.get(change_url(point)), slug="nouveau-nom")
    data["hosts"] = [host.pk]
    assert operator.post(change_url(point), data).status_code == 302
    point.refresh_from_db()
    assert point.slug == "nouveau-nom"
    assert list(point.hosts.all()) == [host]


def test_a_distributions_title_in_the_admin_is_in_paris_time(operator):
    """17:00 UTC on a December day is 18:00 in Paris: the operator reads 18:00, as the host."""
    starts = datetime(2031, 12, 5, 17, 0, tzinfo=UTC)
    distribution = DistributionFactory(
        pickup_point=PickupPointFactory(name="La Grange"),
        starts_at=starts,
        opens_at=starts - timedelta(days=6),
        cutoff_at=starts - timedelta(days=2),
    )

    assert str(distribution) == "La Grange — 05/12/2031 18:00"
    page = operator.get(reverse("admin:pickup_distribution_change", args=[distribution.pk]))
    assert "La Grange — 05/12/2031 18:00" in page.content.decode()
    assert "17:00" not in page.content.decode().split("<title>")[1].split("</title>")[0]
