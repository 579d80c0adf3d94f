"""Payouts, read-only (the services write them), and the operators' report per distribution."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path

from billing.models import BillingMandate, Payout, SeasonPayout
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
