import pytest
from django.urls import reverse

from gardens.services import join_waitlist, reserve_plot
from tests.factories import GardenFactory, UserFactory, WorkDayFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", ["garden", "season", "reservation", "waitlistentry", "offer", "workday"]
)
def test_operators_see_every_gardens_table(client, season, plots, model):
    reserve_plot(gardener=UserFactory(), plot=plots["A1"], season=season)
    join_waitlist(gardener=UserFactory(), season=season)
    WorkDayFactory(season=season)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    changelist = client.get(reverse(f"admin:gardens_{model}_changelist"))
    assert changelist.status_code == 200


def test_changing_a_gardens_address_in_the_admin_makes_its_position_pending(client):
    garden = GardenFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    form = {
        "name": garden.name,
        "slug": garden.slug,
        "address": "Place de la Gare, 59800 Lille",
        "description": "",
        "rules": "",
        "plan_width_m": 30,
        "plan_height_m": 20,
        "is_active": "on",
        "latitude": garden.latitude,
        "longitude": garden.longitude,
        "location_status": "located",
    }
    for prefix in ("seasons", "plots"):
        form |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    response = client.post(reverse("admin:gardens_garden_change", args=[garden.pk]), form)
    assert response.status_code == 302
    garden.refresh_from_db()
    assert garden.address == "Place de la Gare, 59800 Lille"
    assert (garden.latitude, garden.location_status) == (None, "pending")
