from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.errors import Invalid, check_editable
from gardens.errors import NotAGardener, WorkDayFull, WorkDayOver
from gardens.models import Reservation, Season, WorkDay, WorkDaySignup

# A work day may change in everything but its garden and season (``update_work_day``), in the
# model's order.
WORK_DAY_FIELDS = tuple(
    field.name
    for field in WorkDay._meta.concrete_fields
    if field.name not in {"id", "garden", "season"}
)


def _check_work_day(*, hours: Decimal, capacity: int) -> None:
    errors = {}
    if hours <= 0:
        errors["hours"] = [_("A work day lasts some hours.")]
    if capacity < 1:
        errors["capacity"] = [_("At least one place.")]
    if errors:
        raise Invalid(errors=errors)


@transaction.atomic
def schedule_work_day(
    *,
    season: Season,
    title: str,
    starts_at: datetime,
    hours: Decimal,
    capacity: int,
    description: str = "",
) -> WorkDay:
    """A coordinator schedules a shared work day for a season, with a capacity; it belongs to
    the season's garden."""
    _check_work_day(hours=hours, capacity=capacity)
    return WorkDay.objects.create(
        garden_id=season.garden_id,
        season=season,
        title=title,
        starts_at=starts_at,
        hours=hours,
        capacity=capacity,
        description=description,
    )


@transaction.atomic
def update_work_day(*, work_day: WorkDay, changes: Mapping[str, Any]) -> WorkDay:
    """Change a work day (``WORK_DAY_FIELDS``) under the rules of :func:`schedule_work_day`;
    it stays in its season."""
    check_editable(changes, WORK_DAY_FIELDS)
    _check_work_day(
        hours=changes.get("hours", work_day.hours),
        capacity=changes.get("capacity", work_day.capacity),
    )
    for field, value in changes.items():
        setattr(work_day, field, value)
    if changes:
        work_day.save(update_fields=list(changes))
    return work_day


@transaction.atomic
def sign_up_for_work_day(*, gardener: User, work_day: WorkDay) -> WorkDaySignup:
    """Sign a gardener of the season up for a coming work day (``work_day_over`` once it has
    started), within its capacity (``work_day_full``). Signing up twice returns the same
    sign-up. Locks the work day's row, so the capacity holds under concurrency."""
    if work_day.starts_at <= timezone.now():
        raise WorkDayOver()
    if not Reservation.objects.filter(
        gardener=gardener, season_id=work_day.season_id, status__in=Reservation.ACTIVE
    ).exists():
        raise NotAGardener()
    work_day = WorkDay.objects.select_for_update().get(pk=work_day.pk)
    existing = WorkDaySignup.objects.filter(work_day=work_day, gardener=gardener).first()
    if existing is not None:
        return existing
    if WorkDaySignup.objects.filter(work_day=work_day).count() >= work_day.capacity:
        raise WorkDayFull()
    try:
        with transaction.atomic():
            return WorkDaySignup.objects.create(work_day=work_day, gardener=gardener)
    except IntegrityError:
        return WorkDaySignup.objects.get(work_day=work_day, gardener=gardener)


ATTENDANCE_STAYS = _("Attendance already recorded stays.")


@transaction.atomic
def cancel_work_day_signup(*, gardener: User, work_day: WorkDay) -> None:
    """Withdraw from a work day (frees a place). Attendance already recorded stays."""
    WorkDaySignup.objects.filter(work_day=work_day, gardener=gardener, attended=None).delete()


@transaction.atomic
def remove_work_day_signup(*, signup: WorkDaySignup) -> None:
    """A coordinator takes a gardener off a work day (frees a place); once their attendance
    is recorded it stays (``invalid``)."""
    deleted, _rows = WorkDaySignup.objects.filter(pk=signup.pk, attended=None).delete()
    if not deleted and WorkDaySignup.objects.filter(pk=signup.pk).exists():
        raise Invalid(ATTENDANCE_STAYS)


@transaction.atomic
def record_attendance(
    *, signup: WorkDaySignup, attended: bool | None, hours: Decimal | None = None
) -> WorkDaySignup:
    """A coordinator records whether a gardener came and for how long (default: the whole
    work day); absent gardeners count zero hours. Once recorded, attendance is yes or no: it
    cannot go back to unknown (``None``, which changes nothing before)."""
    if attended is None:
        if signup.attended is not None:
            raise Invalid(errors={"attended": [ATTENDANCE_STAYS]})
        return signup
    if hours is not None and hours < 0:
        raise Invalid(errors={"hours": [_("Hours cannot be negative.")]})
    signup.attended = attended
    signup.hours = (hours if hours is not None else signup.work_day.hours) if attended else 0
    signup.save(update_fields=["attended", "hours"])
    return signup
