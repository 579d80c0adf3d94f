"""The one CSV writer: formulas neutralised the OWASP way, and read back exactly."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils import translation

from common.csv import (
    control_character,
    csv_bool,
    csv_date,
    csv_datetime,
    csv_decimal,
    csv_response,
    csv_text,
    neutralise,
    restore,
)
from tests.csv_checks import HOSTILE, HOSTILE_NAMES


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (HOSTILE, "'" + HOSTILE),
        ("+33 6 12 34 56 78", "'+33 6 12 34 56 78"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("'=already quoted", "''=already quoted"),  # so that reading it back is exact
        ("-", "'-"),
        # Not formulas: left as they are.
        ("Carottes", "Carottes"),
        ("l'=ancienne", "l'=ancienne"),
        ("'quoted'", "'quoted'"),
        ("", ""),
        (None, ""),
        ("3,50", "3,50"),
        ("-3,50", "-3,50"),
        ("-12.5", "-12.5"),
        ("+2", "+2"),
        (-7, "-7"),
        (12, "12"),
    ],
)
def test_cells_that_start_like_a_formula_get_one_quote(value, written):
    assert neutralise(value) == written


@pytest.mark.parametrize(
    "value",
    [*HOSTILE_NAMES, "''=two quotes", "'", "''", "-3,50", "Carottes", "'-1", "''-1", "\r"],
)
def test_reading_back_gives_the_value_written(value):
    assert restore(neutralise(value)) == value


def test_a_quote_typed_by_hand_before_a_formula_is_dropped():
    assert restore("'=1+1") == "=1+1"
    assert restore("'bonjour") == "'bonjour"
    assert restore("'-3,50") == "'-3,50"  # a number needs no quote: this one is text


def test_csv_text_neutralises_header_and_rows_and_writes_for_french_excel_by_default():
    text = csv_text(["name", "=x"], [[HOSTILE, 3], ["Navets", -2]])
    assert text.startswith("\ufeffname;'=x\r\n")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=";"))
    assert rows == [["name", "'=x"], ["'" + HOSTILE, "3"], ["Navets", "-2"]]
    assert csv_text(["a", "b"], [["1", "2"]], delimiter=",", bom=False) == "a,b\r\n1,2\r\n"


def test_numbers_dates_and_booleans_are_written_the_french_way():
    with translation.override("fr"):
        text = csv_text(["a"], [[Decimal("0.500"), 2.5, True, False, Decimal("12")]])
    assert text.splitlines()[1] == "0,5;2,5;oui;non;12"
    assert csv_decimal(Decimal("1234.50")) == "1234,5"
    assert csv_date(date(2026, 12, 3)) == "03/12/2026"
    assert csv_date(None) == "" and csv_datetime(None) == ""
    # A moment is read in Europe/Paris: 23:30 UTC on 31 December is already 1 January there.
    late = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert csv_date(late) == "01/01/2027"
    assert csv_datetime(late) == "01/01/2027 00:30"
    assert csv_datetime(datetime(2026, 7, 3, 16, 0, tzinfo=UTC)) == "03/07/2026 18:00"
    with translation.override("en"):
        assert (csv_bool(True), csv_bool(False)) == ("yes", "no")


def test_csv_response_is_a_utf8_attachment():
    response = csv_response("a;b\r\n", "ferme-des-prés.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename")
    assert "ferme-des-pr%C3%A9s.csv" in response["Content-Disposition"]
    assert response.content == b"a;b\r\n"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("x\0y", "U+0000"),
        ("bip\x07", "U+0007"),
        ("esc\x1b[31m", "U+001B"),
        ("del\x7f", "U+007F"),
        ("c1\x85", "U+0085"),
        ("tab\tinside", None),
        ("two\nlines\r\n", None),
        ("Œufs à 3,50 €", None),
    ],
)
def test_control_characters_but_tab_and_line_breaks_are_found(text, found):
    assert control_character(text) == found
