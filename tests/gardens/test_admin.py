import pytest
from django.urls import reverse

from gardens.services import join_waitlist, reserve_plot
from tests.factories import UserFactory, WorkDayFactory

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
