import pytest
import time_machine
from django.core.management import call_command

from accounts.models import User
from gardens.models import Garden, Offer, Plot, Reservation, Season, WaitlistEntry, WorkDay
from gardens.selectors import FREE, plan_for
from gardens.services import reserve_plot

pytestmark = pytest.mark.django_db

MODELS = [Garden, Plot, Season, Reservation, WaitlistEntry, Offer, WorkDay, User]


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.mark.parametrize("today", ["2026-11-26", "2027-06-30", "2028-01-01"])
def test_the_demo_gardener_can_reserve_right_after_seeding_whatever_the_date(today):
    with time_machine.travel(f"{today} 10:00 +01:00"):
        call_command("seed_demo", verbosity=0)
        counts = _counts()
        call_command("seed_demo", verbosity=0)
        assert _counts() == counts
        garden = Garden.objects.get(slug="jardin-des-moulins")
        season = garden.seasons.get()
        assert garden.plots.count() == 12
        assert season.reservations.filter(status="reserved").count() == 6
        assert season.waitlist.filter(status="waiting").count() == 2
        gardener = User.objects.get(email="jardin@demo.circuit-court.fr")
        assert not Reservation.objects.filter(gardener=gardener).exists()
        free = [row.plot for row in plan_for(garden, season).plots if row.state == FREE]
        assert len(free) == 6
        assert reserve_plot(gardener=gardener, plot=free[0], season=season).status == "reserved"
        assert User.objects.get(email="jardinier1@demo.circuit-court.fr").check_password(
            "demo-circuit-court"
        )
