"""Dates and times as people read them, in French and in English, in Europe/Paris."""

from datetime import UTC, date, datetime, time

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from common import dates

# 17:00 UTC on 3 December 2026 is 18:00 in Lille (winter); 16:00 UTC in July is 18:00 too.
THURSDAY_6PM = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
THURSDAY_7_30PM = datetime(2026, 12, 3, 18, 30, tzinfo=UTC)
FIRST_OF_DECEMBER = date(2026, 12, 1)


@pytest.fixture(params=["fr", "en"])
def language(request):
    with translation.override(request.param):
        yield request.param


def _in(language, fr, en):
    return fr if language == "fr" else en


def test_a_day(language):
    assert dates.day(THURSDAY_6PM) == _in(language, "jeudi 3 décembre", "Thursday 3 December")
    assert dates.day(THURSDAY_6PM, year=True) == _in(
        language, "jeudi 3 décembre 2026", "Thursday 3 December 2026"
    )
    assert dates.day_month(THURSDAY_6PM) == _in(language, "3 décembre", "3 December")


def test_the_first_of_the_month(language):
    assert dates.day(FIRST_OF_DECEMBER) == _in(language, "mardi 1er décembre", "Tuesday 1 December")
    assert dates.week(FIRST_OF_DECEMBER) == _in(
        language, "semaine du 1er décembre", "week of 1 December"
    )


def test_a_day_is_read_in_paris():
    # 23:30 UTC on 31 December is already Friday 1 January 2027 in Lille.
    late = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    with translation.override("fr"), timezone.override("UTC"):
        assert dates.day(late, year=True) == "vendredi 1er janvier 2027"
        assert dates.day_time(late) == "vendredi 1er janvier à 0 h 30"
        assert dates.short(late) == "01/01/2027"
        assert dates.month(late) == "janvier 2027"


def test_a_day_and_time(language):
    assert dates.day_time(THURSDAY_6PM) == _in(
        language, "jeudi 3 décembre à 18 h", "Thursday 3 December at 6 pm"
    )
    assert dates.day_time(THURSDAY_7_30PM) == _in(
        language, "jeudi 3 décembre à 19 h 30", "Thursday 3 December at 7:30 pm"
    )
    summer = datetime(2026, 7, 2, 16, 5, tzinfo=UTC)
    assert dates.day_time(summer) == _in(
        language, "jeudi 2 juillet à 18 h 05", "Thursday 2 July at 6:05 pm"
    )


@pytest.mark.parametrize(
    ("value", "fr", "en"),
    [
        (time(0, 0), "minuit", "midnight"),
        (time(12, 0), "midi", "noon"),
        (time(0, 30), "0 h 30", "12:30 am"),
        (time(12, 15), "12 h 15", "12:15 pm"),
        (time(9, 0), "9 h", "9 am"),
        (time(23, 45), "23 h 45", "11:45 pm"),
    ],
)
def test_midnight_noon_and_other_hours(language, value, fr, en):
    assert dates.hour(value) == _in(language, fr, en)


def test_a_time_range(language):
    assert dates.time_range(THURSDAY_6PM, THURSDAY_7_30PM) == _in(
        language, "18 h – 19 h 30", "6 pm – 7:30 pm"
    )
    assert dates.slot(THURSDAY_6PM, THURSDAY_7_30PM) == _in(
        language, "jeudi 3 décembre, 18 h – 19 h 30", "Thursday 3 December, 6 pm – 7:30 pm"
    )


def test_a_month_a_week_and_a_short_date(language):
    assert dates.month(THURSDAY_6PM) == _in(language, "décembre 2026", "December 2026")
    assert dates.week(date(2026, 11, 30)) == _in(
        language, "semaine du 30 novembre", "week of 30 November"
    )
    assert dates.short(THURSDAY_6PM) == "03/12/2026"
    assert dates.short_time(THURSDAY_6PM) == "03/12/2026 18:00"


def test_the_template_filters(language):
    template = Template(
        "{% load dates %}{{ d|day }}|{{ d|day_time }}|{{ d|time_range:e }}|{{ d|month }}|"
        "{{ w|week_of }}|{{ d|short_date }}|{{ none|day }}"
    )
    text = template.render(
        Context({"d": THURSDAY_6PM, "e": THURSDAY_7_30PM, "w": FIRST_OF_DECEMBER, "none": None})
    )
    assert text == _in(
        language,
        "jeudi 3 décembre|jeudi 3 décembre à 18 h|18 h – 19 h 30|décembre 2026|"
        "semaine du 1er décembre|03/12/2026|",
        "Thursday 3 December|Thursday 3 December at 6 pm|6 pm – 7:30 pm|December 2026|"
        "week of 1 December|03/12/2026|",
    )
