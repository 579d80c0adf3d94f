"""The one way to write a date or a time for people, in the active language, in Europe/Paris.

French: « jeudi 3 décembre », « mardi 1er décembre », « 3 décembre 2026 », « jeudi 3 décembre à 18 h 30 »,
« 18 h – 19 h 30 », « décembre 2026 », « semaine du 30 novembre », tables « 03/12/2026 ».
English: "Thursday 3 December", "Thursday 3 December at 6:30 pm", "6 pm – 7:30 pm",
"December 2026", "week of 30 November", tables "03/12/2026". Days and months are Django's own
translations (``django.utils.dates``), never ``locale.setlocale``; a moment is read in
Europe/Paris whatever time zone is active (a Celery worker has none of the person's). French
days and months take no capital in a sentence; midnight and noon are « minuit » and « midi »
("midnight", "noon"). The URLs and the API keep ISO dates and weeks; these are for reading.
Templates use the same functions through ``{% load dates %}`` (``common.templatetags.dates``).
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import translation
from django.utils.dates import MONTHS, MONTHS_ALT, WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

Moment = date | datetime


def _french() -> bool:
    return (translation.get_language() or settings.LANGUAGE_CODE)[:2] == "fr"


def local(value: datetime) -> datetime:
    """An aware ``value`` in Europe/Paris; a naive one is taken as already local."""
    if value.tzinfo is None:
        return value
    return value.astimezone(ZoneInfo(settings.TIME_ZONE))


def _day_of(value: Moment) -> date:
    return local(value).date() if isinstance(value, datetime) else value


def _lower(text: str) -> str:
    return text.lower() if _french() else text


def _number(day: int) -> str:
    return "1er" if day == 1 and _french() else str(day)


def day(value: Moment, *, year: bool = False) -> str:
    """« jeudi 3 décembre » (« 1er » for the first) / "Thursday 3 December"; with the year
    « jeudi 3 décembre 2026 »."""
    d = _day_of(value)
    text = pgettext("date: weekday, day, month", "%(weekday)s %(day)s %(month)s") % {
        "weekday": _lower(str(WEEKDAYS[d.weekday()])),
        "day": _number(d.day),
        "month": _lower(str(MONTHS[d.month])),
    }
    return f"{text} {d.year}" if year else text


def day_month(value: Moment) -> str:
    """« 3 décembre », « 1er décembre » / "3 December" (no weekday)."""
    d = _day_of(value)
    return f"{_number(d.day)} {_lower(str(MONTHS[d.month]))}"


def long(value: Moment) -> str:
    """« 3 décembre 2026 », « 1er décembre 2026 » / "3 December 2026" (receipts, invoices)."""
    return f"{day_month(value)} {_day_of(value).year}"


def hour(value: datetime | time) -> str:
    """« 18 h », « 18 h 30 », « minuit », « midi » / "6 pm", "6:30 pm", "midnight", "noon"."""
    t = local(value).time() if isinstance(value, datetime) else value
    if t.minute == 0 and t.hour in (0, 12):
        return _("midnight") if t.hour == 0 else _("noon")
    if _french():
        return f"{t.hour} h" if t.minute == 0 else f"{t.hour} h {t.minute:02d}"
    twelve = t.hour % 12 or 12
    suffix = "am" if t.hour < 12 else "pm"
    return f"{twelve} {suffix}" if t.minute == 0 else f"{twelve}:{t.minute:02d} {suffix}"


def day_time(value: datetime, *, year: bool = False) -> str:
    """« jeudi 3 décembre à 18 h » / "Thursday 3 December at 6 pm" (with the year when asked)."""
    return _("%(day)s at %(time)s") % {"day": day(value, year=year), "time": hour(value)}


def time_range(starts_at: datetime | time, ends_at: datetime | time) -> str:
    """« 18 h – 19 h 30 » / "6 pm – 7:30 pm"."""
    return f"{hour(starts_at)} – {hour(ends_at)}"


def slot(starts_at: datetime, ends_at: datetime, *, year: bool = False) -> str:
    """« jeudi 3 décembre, 18 h – 19 h 30 » / "Thursday 3 December, 6 pm – 7:30 pm" (one day:
    slots do not pass midnight)."""
    return f"{day(starts_at, year=year)}, {time_range(starts_at, ends_at)}"


def month(value: Moment) -> str:
    """« décembre 2026 » / "December 2026"."""
    d = _day_of(value)
    return f"{_lower(str(MONTHS_ALT[d.month]))} {d.year}"


def week(monday: Moment) -> str:
    """« semaine du 30 novembre » / "week of 30 November" (the Monday a week starts on)."""
    return _("week of %(day)s") % {"day": day_month(monday)}


def short(value: Moment) -> str:
    """« 03/12/2026 », the date in tables (the same in both languages: day, month, year)."""
    return f"{_day_of(value):%d/%m/%Y}"


def short_time(value: datetime) -> str:
    """« 03/12/2026 18:00 », a moment in tables (24-hour clock)."""
    return f"{local(value):%d/%m/%Y %H:%M}"
