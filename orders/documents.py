"""Documents about orders, as PDF: the receipt (``orders.receipts``), rendered from the same
template the receipt page includes."""

from __future__ import annotations

from django.template.loader import render_to_string

from common.pdf import html_to_pdf
from orders.models import Order
from orders.receipts import Receipt


def receipt_filename(order: Order) -> str:
    return f"recu-commande-{order.pk}.pdf"


def receipt_pdf(receipt: Receipt) -> bytes:
    """The receipt as a PDF, in the active language, dates in the current time zone
    (Europe/Paris)."""
    html = render_to_string("orders/receipt/document.html", {"receipt": receipt})
    return html_to_pdf(html)
