"""One way to write times in e-mails: Europe/Paris, whatever time zone is active, French
dates without capitals, English for those who chose it."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone, translation

from common.emails import Email, Section, format_date, format_slot, render

WINTER = datetime(2026, 12, 12, 17, 0, tzinfo=UTC)  # 18:00 in Paris
SUMMER = datetime(2027, 6, 12, 16, 0, tzinfo=UTC)  # 18:00 in Paris


@pytest.mark.parametrize(
    ("starts", "fr", "en"),
    [
        (WINTER, "samedi 12 décembre, 18 h – 19 h 30", "Saturday 12 December, 6 pm – 7:30 pm"),
        (SUMMER, "samedi 12 juin, 18 h – 19 h 30", "Saturday 12 June, 6 pm – 7:30 pm"),
    ],
)
def test_a_slot_is_written_in_paris_time_even_with_utc_active(starts, fr, en):
    with timezone.override("UTC"):
        with translation.override("fr"):
            assert format_slot(starts, starts + timedelta(minutes=90)) == fr
        with translation.override("en"):
            assert format_slot(starts, starts + timedelta(minutes=90)) == en


def test_a_french_date_has_its_year():
    with translation.override("fr"):
        assert format_date(WINTER) == "samedi 12 décembre 2026"


def test_both_alternatives_come_from_the_same_sections_and_escape_html():
    def build():
        return Email(
            subject="Sujet\n  sur deux lignes",
            sections=[
                Section(title="Titre", paragraphs=["<b>Pain & fromage</b>"], rows=[("a", "b")])
            ],
            action=("Voir", "https://example.org/x"),
        )

    rendered = render(build, language="xx")  # an unknown language: French
    assert rendered.language == "fr"
    assert rendered.subject == "Sujet sur deux lignes"
    assert "<b>Pain & fromage</b>" in rendered.text
    assert "&lt;b&gt;Pain &amp; fromage&lt;/b&gt;" in rendered.html
    assert "- a : b" in rendered.text and 'href="https://example.org/x"' in rendered.html
