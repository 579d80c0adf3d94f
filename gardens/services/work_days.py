from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.errors import Invalid
from gardens.errors import NotAGardener, WorkDayFull, WorkDayOver
from gardens.models import Reservation, Season, WorkDay, WorkDaySignup


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
    """A coordinator schedules a shared work day for a season, with a capacity."""
    errors = {}
    if hours <= 0:
        errors["hours"] = [_("A work day lasts some hours.")]
    if capacity < 1:
        errors["capacity"] = [_("At least one place.")]
    if errors:
        raise Invalid(errors=errors)
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


@transaction.atomic
def cancel_work_day_signup(*, gardener: User, work_day: WorkDay) -> None:
    """Withdraw from a work day (frees a place). Attendance already recorded stays."""
    WorkDaySignup.objects.filter(work_day=work_day, gardener=gardener, attended=None).delete()


@transaction.atomic
def record_attendance(
    *, signup: WorkDaySignup, attended: bool, hours: Decimal | None = None
) -> WorkDaySignup:
    """A coordinator records whether a gardener came and for how long (default: the whole
    work day); absent gardeners count zero hours."""
    if hours is not None and hours < 0:
        raise Invalid(errors={"hours": [_("Hours cannot be negative.")]})
    signup.attended = attended
    signup.hours = (hours if hours is not None else signup.work_day.hours) if attended else 0
    signup.save(update_fields=["attended", "hours"])
    return signup
