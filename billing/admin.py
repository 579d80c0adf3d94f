"""Payouts and invoices, read-only (the services write them), the operators' report per
distribution, and any set of invoices as one ZIP."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from billing.invoice_reads import month_zip
from billing.models import BillingMandate, Invoice, InvoiceLine, Payout, SeasonPayout
from billing.selectors import distribution_report
from payments.admin import ReadOnlyAdmin


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = [
        "distribution",
        "payee",
        "payee_kind",
        "status",
        "net_cents",
        "sent_cents",
        "reversed_cents",
        "debt_cents",
    ]
    list_filter = ["payee_kind", "status"]
    list_select_related = ["distribution__pickup_point", "producer", "pickup_point"]
    change_list_template = "admin/billing/payout/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.report_view)
        return [path("report/", view, name="billing_payout_report"), *super().get_urls()]

    def report_view(self, request):
        """Per distribution: sales = farms + hosts + platform, and the platform's months."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        rows, months = distribution_report()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "rows": rows,
            "months": months,
            "ok": all(row.ok for row in rows),
        }
        return TemplateResponse(request, "admin/billing/payout/report.html", context)


@admin.register(SeasonPayout)
class SeasonPayoutAdmin(ReadOnlyAdmin):
    """What each farm received for the AMAP subscriptions it sold (written when paid)."""

    list_display = [
        "subscription",
        "producer",
        "status",
        "farm_cents",
        "charged_cents",
        "transfer",
        "returned_cents",
        "paid_at",
    ]
    list_filter = ["status"]
    list_select_related = [
        "subscription__season__product",
        "subscription__household",
        "producer",
        "transfer",
    ]


@admin.register(BillingMandate)
class BillingMandateAdmin(ReadOnlyAdmin):
    list_display = ["payee_kind", "payee_id", "terms_version", "accepted_at", "accepted_by_name"]
    list_filter = ["payee_kind", "terms_version"]


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    can_delete = False
    extra = 0
    fields = ["position", "description", "quantity", "unit", "vat_rate", "total_incl_cents"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    """Every invoice and credit note as issued (never changed); the month of all of them as
    one ZIP with its CSV summary (``?mois=2026-12``), for the accountant."""

    list_display = ["number", "kind", "document", "issued_at", "total_incl_cents", "vat_cents"]
    list_filter = ["kind", "document", "issuer_kind"]
    search_fields = ["number"]
    date_hierarchy = "issued_at"
    inlines = [InvoiceLineInline]
    actions = ["download_zip"]

    @admin.action(description=_("Download the selected invoices (ZIP of PDFs and CSV summary)"))
    def download_zip(self, request, queryset):
        invoices = list(queryset.select_related("corrects").order_by("issued_at", "number"))
        first = timezone.localtime(invoices[0].issued_at).date().replace(day=1)
        response = HttpResponse(month_zip(invoices, first), content_type="application/zip")
        response["Content-Disposition"] = content_disposition_header(
            True, f"factures-{first:%Y-%m}.zip"
        )
        return response
