""" "Mes factures": a household's invoices and credit notes; a farm's invoices (issued in its
name, and the commission invoices it receives) and a host's (its commissions), month by
month, with the month's ZIP; one PDF download for any invoice its reader may see (anyone
else gets a 404)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from billing import invoice_reads as reads
from billing.documents import invoice_filename, invoice_pdf
from billing.invoicing import invoicing_blocker
from billing.mandates import current_mandate
from billing.models import Invoice
from common.pdf import pdf_response
from frontend.views.payouts import Payee


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


def _invoices(payee: Payee, month):
    if payee.is_farm:
        return reads.producer_invoices(payee.obj, month)
    return reads.point_invoices(payee.obj, month)


def _months(payee: Payee) -> list:
    moments = _invoices(payee, None).datetimes("issued_at", "month", "DESC")
    return sorted(
        {timezone.localtime(moment).date().replace(day=1) for moment in moments}, reverse=True
    )


def _page(request, payee: Payee):
    months = _months(payee)
    month = reads.month_of(request.GET.get("mois")) or (
        months[0] if months else timezone.localdate().replace(day=1)
    )
    invoices = list(_invoices(payee, month))
    blocker = invoicing_blocker(payee.kind, payee.obj)
    return render(
        request,
        "frontend/invoices/payee.html",
        {
            "payee": payee,
            "name": payee.obj.name,
            "months": months,
            "month": month,
            "invoices": invoices,
            "issued_total": sum(
                (-1 if i.is_credit_note else 1) * i.total_incl_cents
                for i in invoices
                if i.issuer_kind != Invoice.Issuer.PLATFORM
            ),
            "mandate": current_mandate(payee.kind, payee.obj.pk),
            "blocker": blocker,
            "zip_url": reverse(
                "frontend:producer:invoices_zip" if payee.is_farm else "frontend:host_invoices_zip",
                args=[*payee.args, f"{month:%Y-%m}"],
            ),
            "mandate_url": payee.url("mandate"),
        },
    )


def _zip(request, payee: Payee, month: str):
    first = reads.month_of(month)
    invoices = list(_invoices(payee, first))
    response = HttpResponse(reads.month_zip(invoices, first), content_type="application/zip")
    slug = payee.obj.slug
    response["Content-Disposition"] = content_disposition_header(
        True, f"factures-{slug}-{first:%Y-%m}.zip"
    )
    return response


@login_required
@require_GET
def producer_invoices(request, slug: str):
    return _page(request, Payee(request, slug=slug))


@login_required
@require_GET
def producer_month_zip(request, slug: str, month: str):
    return _zip(request, Payee(request, slug=slug), month)


@login_required
@require_GET
def point_invoices(request, pk: int):
    return _page(request, Payee(request, pk=pk))


@login_required
@require_GET
def point_month_zip(request, pk: int, month: str):
    return _zip(request, Payee(request, pk=pk), month)
