""" "Mes factures": a household's invoices and credit notes; a farm's invoices issued in its
name, month by month, with the month's ZIP; one PDF download for any invoice its reader may
see (anyone else gets a 404)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from billing import invoice_reads as reads
from billing.documents import invoice_filename, invoice_pdf
from billing.invoicing import invoicing_blocker
from billing.mandates import current_mandate
from billing.models import Invoice, Payout
from common.pdf import pdf_response
from producers.selectors import producer_for_member


@login_required
@require_GET
def household_invoices(request):
    return render(
        request,
        "frontend/invoices/household.html",
        {"invoices": reads.household_invoices(request.user)},
    )


@login_required
@require_GET
def invoice_download(request, number: str):
    invoice = reads.invoice_for(request.user, number)
    return pdf_response(invoice_pdf(invoice.pk), invoice_filename(invoice))


def _months(producer) -> list:
    dates = Invoice.objects.filter(producer=producer).datetimes("issued_at", "month", "DESC")
    return [timezone.localtime(moment).date().replace(day=1) for moment in dates]


@login_required
@require_GET
def producer_invoices(request, slug: str):
    producer = producer_for_member(user=request.user, slug=slug)
    months = _months(producer)
    month = reads.month_of(request.GET.get("mois")) or (
        months[0] if months else timezone.localdate().replace(day=1)
    )
    invoices = list(reads.producer_invoices(producer, month))
    return render(
        request,
        "frontend/invoices/producer.html",
        {
            "producer": producer,
            "months": months,
            "month": month,
            "invoices": invoices,
            "sales_total": sum(
                (-1 if i.is_credit_note else 1) * i.total_incl_cents
                for i in invoices
                if i.kind == Invoice.Kind.SALE
            ),
            "mandate": current_mandate(Payout.Payee.FARM, producer.pk),
            "blocker": invoicing_blocker(producer),
        },
    )


@login_required
@require_GET
def producer_month_zip(request, slug: str, month: str):
    producer = producer_for_member(user=request.user, slug=slug)
    first = reads.month_of(month)
    invoices = list(reads.producer_invoices(producer, first))
    response = HttpResponse(reads.month_zip(invoices, first), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(
        True, f"factures-{producer.slug}-{first:%Y-%m}.zip"
    )
    return response
