"""The gardener's and the coordinator's personal data (:mod:`accounts.personal_data`).

Export: plot reservations, garden waiting lists, work-day sign-ups, gardens coordinated.

Erasure: active reservations are cancelled (the plot is offered to the next gardener at once),
waiting lists are left (an open offer passes on), sign-ups to work days to come are withdrawn;
the past ones stay (hours worked, fees recorded), on the anonymised account. A coordinator
leaves their gardens; a garden left without any coordinator is named to the operators.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.personal_data import PersonalData, Section
from gardens.models import Garden, Reservation, WaitlistEntry, WorkDaySignup
from gardens.services.reservations import cancel_reservation
from gardens.services.waitlist import leave_waitlist
from gardens.services.work_days import cancel_work_day_signup


def give_back(user: User) -> None:
    for reservation in Reservation.objects.filter(gardener=user, status__in=Reservation.ACTIVE):
        cancel_reservation(reservation=reservation)
    for entry in WaitlistEntry.objects.filter(gardener=user, status__in=WaitlistEntry.ACTIVE):
        leave_waitlist(entry=entry)
    coming = WorkDaySignup.objects.filter(
        gardener=user, attended=None, work_day__starts_at__gt=timezone.now()
    ).select_related("work_day")
    for signup in coming:
        cancel_work_day_signup(gardener=user, work_day=signup.work_day)


def erase(user: User) -> list[str]:
    notes = []
    for garden in Garden.objects.filter(coordinators=user).order_by("pk"):
        garden.coordinators.remove(user)
        if not garden.coordinators.exists():
            notes.append(
                _("The garden %(name)s (#%(id)s) has no coordinator any more.")
                % {"name": garden.name, "id": garden.pk}
            )
    return notes


GARDENS_DATA = PersonalData(
    app="gardens",
    step=10,
    prepare=give_back,
    erase=erase,
    sections=[
        Section(
            name="garden_reservations",
            description=gettext_lazy("your plots in shared gardens, season by season"),
            rows=lambda user: (
                Reservation.objects.filter(gardener=user)
                .select_related("plot__garden", "season")
                .order_by("pk")
            ),
            row=lambda r: {
                "garden": r.plot.garden.name,
                "plot": r.plot.code,
                "season": r.season.name,
                "status": r.status,
                "fee_cents": r.fee_cents,
                "fee_paid": r.fee_paid,
                "fee_paid_on": r.fee_paid_on,
                "created_at": r.created_at,
            },
        ),
        Section(
            name="garden_waiting_lists",
            description=gettext_lazy("the garden waiting lists you joined, with your wishes"),
            rows=lambda user: (
                WaitlistEntry.objects.filter(gardener=user)
                .select_related("season__garden")
                .order_by("pk")
            ),
            row=lambda e: {
                "garden": e.season.garden.name,
                "season": e.season.name,
                "status": e.status,
                "min_area_m2": e.min_area_m2,
                "needs_water_point": e.needs_water_point,
                "needs_raised_bed": e.needs_raised_bed,
                "needs_accessible": e.needs_accessible,
                "needs_shed": e.needs_shed,
                "created_at": e.created_at,
            },
        ),
        Section(
            name="work_day_signups",
            description=gettext_lazy("the garden work days you signed up for, and your hours"),
            rows=lambda user: (
                WorkDaySignup.objects.filter(gardener=user)
                .select_related("work_day__garden")
                .order_by("pk")
            ),
            row=lambda s: {
                "garden": s.work_day.garden.name,
                "work_day": s.work_day.title,
                "starts_at": s.work_day.starts_at,
                "attended": s.attended,
                "hours": s.hours,
                "signed_up_at": s.created_at,
            },
        ),
        Section(
            name="gardens_coordinated",
            description=gettext_lazy("the shared gardens you coordinate"),
            rows=lambda user: Garden.objects.filter(coordinators=user).order_by("pk"),
            row=lambda g: {"garden": g.name, "slug": g.slug},
        ),
    ],
)
