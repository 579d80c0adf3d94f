"""ISO weeks. A catalogue's ``week`` is the Monday of its ISO week, in Europe/Paris."""

from datetime import date, timedelta

from django.utils import timezone


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def current_week() -> date:
    return monday_of(timezone.localdate())


def next_week(week: date | None = None) -> date:
    return monday_of(week or current_week()) + timedelta(weeks=1)


def iso_label(week: date) -> str:
    """``2026-W48``."""
    year, number, _weekday = week.isocalendar()
    return f"{year}-W{number:02d}"


def parse_iso_label(text: str) -> date:
    """``2026-W48`` (or any date in that week, ``2026-11-25``) → its Monday; ValueError else."""
    text = (text or "").strip()
    if "W" in text.upper():
        year, _sep, number = text.upper().partition("-W")
        return date.fromisocalendar(int(year), int(number), 1)
    return monday_of(date.fromisoformat(text))
