"""Dates and times in templates, written by ``common.dates`` (see there): ``{% load dates %}``
then ``{{ d.starts_at|day }}``, ``|day_year``, ``|day_month``, ``|date_long``, ``|day_time``, ``|day_time_year``, ``|hour``,
``{{ d.starts_at|time_range:d.ends_at }}``, ``{{ d.starts_at|slot:d.ends_at }}``, ``|month``,
``|week_of``, ``|short_date``, ``|short_datetime``. An empty value gives an empty text."""

from django import template

from common import dates

register = template.Library()


def _or_empty(write):
    def one(value):
        return "" if value in (None, "") else write(value)

    return one


register.filter("day", _or_empty(dates.day))
register.filter("day_year", _or_empty(lambda value: dates.day(value, year=True)))
register.filter("day_month", _or_empty(dates.day_month))
register.filter("day_time", _or_empty(dates.day_time))
register.filter("day_time_year", _or_empty(lambda value: dates.day_time(value, year=True)))
register.filter("date_long", _or_empty(dates.long))
register.filter("hour", _or_empty(dates.hour))
register.filter("month", _or_empty(dates.month))
register.filter("week_of", _or_empty(dates.week))
register.filter("short_date", _or_empty(dates.short))
register.filter("short_datetime", _or_empty(dates.short_time))


@register.filter
def time_range(starts_at, ends_at) -> str:
    return "" if starts_at in (None, "") else dates.time_range(starts_at, ends_at)


@register.filter
def slot(starts_at, ends_at) -> str:
    return "" if starts_at in (None, "") else dates.slot(starts_at, ends_at)
