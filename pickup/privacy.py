"""A host's personal data (:mod:`accounts.personal_data`): the pickup points they run.

The point stays; an erased host leaves it, and a point left without any host is named to the
operators. Roster sign-ups (volunteers at a distribution, to come) are the person's data too:
the roster registers its own :class:`accounts.personal_data.Section` (``roster_signups``), its
``erase`` hook, and sends its calls with ``category="roster"`` (:mod:`accounts.unsubscribe`).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.personal_data import PersonalData, Section
from pickup.models import PickupPoint


def erase(user: User) -> list[str]:
    notes = []
    for point in PickupPoint.objects.filter(hosts=user).order_by("pk"):
        point.hosts.remove(user)
        if not point.hosts.exists():
            notes.append(
                _("The pickup point %(name)s (#%(id)s) has no host any more.")
                % {"name": point.name, "id": point.pk}
            )
    return notes


PICKUP_DATA = PersonalData(
    app="pickup",
    erase=erase,
    sections=[
        Section(
            name="pickup_points_hosted",
            description=gettext_lazy("the pickup points you host"),
            rows=lambda user: PickupPoint.objects.filter(hosts=user).order_by("pk"),
            row=lambda p: {"pickup_point": p.name, "slug": p.slug},
        )
    ],
)
