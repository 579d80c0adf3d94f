"""A farm member's personal data (:mod:`accounts.personal_data`): the farms they belong to.

The farm is an organisation, not the person: it stays, with its own legal identity; an erased
member leaves it. A farm left without any member is named to the operators.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.personal_data import PersonalData, Section
from producers.models import Producer


def erase(user: User) -> list[str]:
    notes = []
    for producer in Producer.objects.filter(members=user).order_by("pk"):
        producer.members.remove(user)
        if not producer.members.exists():
            notes.append(
                _("The farm %(name)s (#%(id)s) has no member any more.")
                % {"name": producer.name, "id": producer.pk}
            )
    return notes


PRODUCERS_DATA = PersonalData(
    app="producers",
    erase=erase,
    sections=[
        Section(
            name="farms",
            description=gettext_lazy("the farms you manage as a member"),
            rows=lambda user: Producer.objects.filter(members=user).order_by("pk"),
            row=lambda p: {"farm": p.name, "slug": p.slug},
        )
    ],
)
