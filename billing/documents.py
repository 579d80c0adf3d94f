"""Invoices as PDF: rendered once from what the invoice copied at its issue, in its own
language, then stored (``Invoice.pdf``, with its SHA-256) and served as stored ever after."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from billing.facturx import FACTURX_KINDS, PDF_VARIANT, facturx_pdf
from billing.models import Invoice
from common.pdf import html_to_pdf

logger = logging.getLogger(__name__)

# The legal mentions, in French whatever the language of the labels (CGI ann. II art. 242
# nonies A; « Autofacturation » and the mandate's wording, CGI art. 289-I-2).
SELF_BILLING = "Autofacturation"
NATURE = {
    Invoice.Kind.SALE: "Livraison de biens",
    Invoice.Kind.COMMISSION: "Prestation de services",
    Invoice.Kind.HOST: "Prestation de services",
}
# Business to business (commissions): payment terms and late-payment mentions (C. com. L441-10).
LATE_PAYMENT = (
    "Pénalités de retard : trois fois le taux d’intérêt légal. Indemnité forfaitaire pour frais "
    "de recouvrement : 40 €. Pas d’escompte pour paiement anticipé."
)


def invoice_filename(invoice: Invoice) -> str:
    return f"{invoice.number}.pdf"


def invoice_context(invoice: Invoice) -> dict:
    lines = list(invoice.lines.all())
    issued_by_platform = invoice.issuer_kind != Invoice.Issuer.PLATFORM
    return {
        "invoice": invoice,
        "lines": lines,
        "nature": NATURE[invoice.kind],
        "self_billing": SELF_BILLING if issued_by_platform else "",
        "on_behalf": (
            f"Facture établie par {settings.INVOICE_PLATFORM_LEGAL_NAME} au nom et pour le "
            f"compte de {invoice.seller.get('legal_name') or invoice.seller.get('name')}"
            if issued_by_platform
            else ""
        ),
        "late_payment": LATE_PAYMENT if invoice.kind != Invoice.Kind.SALE else "",
        "corrected": invoice.corrects,
    }


def render_invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice's PDF, from its own copy of every fact (no query beyond its lines)."""
    with translation.override(invoice.language or "fr"):
        html = render_to_string("billing/invoice/document.html", invoice_context(invoice))
    if invoice.kind in FACTURX_KINDS:
        return facturx_pdf(invoice, html_to_pdf(html, variant=PDF_VARIANT))
    return html_to_pdf(html)


def _stored(invoice: Invoice) -> bytes | None:
    """The stored PDF, checked against its SHA-256 (None when none is stored, or its file is
    gone). An altered file is refused, never served."""
    if not invoice.pdf or not invoice.pdf.storage.exists(invoice.pdf.name):
        return None
    with invoice.pdf.open("rb") as stored:
        pdf = stored.read()
    if hashlib.sha256(pdf).hexdigest() != invoice.pdf_sha256:
        raise ValueError(f"The stored PDF of {invoice.number} was altered.")
    return pdf


def invoice_pdf(invoice_id: int) -> bytes:
    """The stored PDF of an invoice, made and stored the first time (once, under its lock).
    Its file lost from the storage (a restore without the media...) is made again from the
    invoice's own copy of every fact, stored, and logged for the operators."""
    pdf = _stored(Invoice.objects.get(pk=invoice_id))
    if pdf is not None:
        return pdf
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
        pdf = _stored(invoice)
        if pdf is not None:
            return pdf
        if invoice.pdf:
            logger.error("The stored PDF of %s is missing: made again from its data", invoice)
        pdf = render_invoice_pdf(invoice)
        invoice.pdf.save(invoice_filename(invoice), ContentFile(pdf), save=False)
        invoice.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        invoice.save(update_fields=["pdf", "pdf_sha256"])
    return pdf
