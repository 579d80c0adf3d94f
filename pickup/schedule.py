"""Calendar arithmetic for distributions, on the wall clock of Europe/Paris.

A distribution on Tuesday at 18:00 with the defaults opens the Wednesday before at 18:00 and
closes on Sunday at 18:00, summer or winter time: the ordering window is counted in local days
and hours, so the clock change at the end of March or October never shifts it by an hour.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from producers.weeks import monday_of


def local_datetime(day: date, at: time) -> datetime:
    """``day`` at ``at`` in Europe/Paris, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, at), timezone.get_default_timezone())


def shift_wall_clock(moment: datetime, delta: timedelta) -> datetime:
    """``moment`` moved by ``delta`` on the local wall clock (not in elapsed seconds)."""
    tz = timezone.get_default_timezone()
    local = timezone.localtime(moment, tz).replace(tzinfo=None) + delta
    return timezone.make_aware(local, tz)


def week_of(moment: datetime) -> date:
    """Monday of the ISO week of ``moment``'s local date."""
    return monday_of(timezone.localtime(moment).date())


def default_window(
    *, starts_at: datetime, opens_days: int, cutoff_hours: int
) -> tuple[datetime, datetime]:
    """(opens_at, cutoff_at) for a distribution starting at ``starts_at``."""
    return (
        shift_wall_clock(starts_at, -timedelta(days=opens_days)),
        shift_wall_clock(starts_at, -timedelta(hours=cutoff_hours)),
    )


def weekly_dates(*, first_date: date, weekday: int, weeks: int) -> list[date]:
    """``weeks`` dates falling on ``weekday`` (0 = Monday), the first on or after ``first_date``."""
    first = first_date + timedelta(days=(weekday - first_date.weekday()) % 7)
    return [first + timedelta(weeks=n) for n in range(weeks)]
