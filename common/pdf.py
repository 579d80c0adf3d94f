"""The one PDF maker of the app (WeasyPrint, on Debian's pango) and the one PDF download.

Documents are HTML rendered from our own templates; WeasyPrint fetches nothing for them (only
``data:`` URLs are allowed), so a document never reaches the network or the file system.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from weasyprint import HTML, URLFetcher

PDF_MEDIA_TYPE = "application/pdf"


def html_to_pdf(html: str, variant: str | None = None) -> bytes:
    """The PDF of a whole HTML document (its styles inline). ``variant`` asks for a PDF of a
    standard's, e.g. ``"pdf/a-3b"``: the archival PDF that may carry an invoice's XML."""
    fetcher = URLFetcher(allowed_protocols=("data",))
    return HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant=variant)


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """A PDF download named ``filename``."""
    response = HttpResponse(pdf, content_type=PDF_MEDIA_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
