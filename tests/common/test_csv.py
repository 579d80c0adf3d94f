"""The one CSV writer: formulas neutralised the OWASP way, and read back exactly."""

import csv
import io

import pytest

from common.csv import control_character, csv_response, csv_text, neutralise, restore
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


def test_csv_text_neutralises_header_and_rows_and_keeps_the_dialect():
    text = csv_text(["name", "=x"], [[HOSTILE, 3], ["Navets", -2]], delimiter=";", bom=True)
    assert text.startswith("\ufeffname;'=x\r\n")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=";"))
    assert rows == [["name", "'=x"], ["'" + HOSTILE, "3"], ["Navets", "-2"]]
    assert csv_text(["a", "b"], [["1", "2"]]) == "a,b\r\n1,2\r\n"


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
