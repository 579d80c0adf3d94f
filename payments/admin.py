"""Read-only views of the money: every change goes through the services (refunds, ledger)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path

from common.money import format_eur
from payments.models import (
    ConnectedAccount,
    CreditEntry,
    Dispute,
    Payment,
    Refund,
    SavedCard,
    StripeCustomer,
    StripeEvent,
    Transfer,
    TransferReversal,
)
from payments.reconcile import reconcile


class ReadOnlyAdmin(admin.ModelAdmin):
    """Money rows are written by the services only: operators look, never edit."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "purpose_kind",
        "purpose_id",
        "payer",
        "attempt",
        "status",
        "amount_cents",
        "amount_received_cents",
        "intent_id",
        "created_at",
    ]
    list_filter = ["purpose_kind", "status"]
    search_fields = ["intent_id", "payer__email", "purpose_id"]
    list_select_related = ["payer"]
    change_list_template = "admin/payments/payment/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.reconcile_view)
        return [path("reconcile/", view, name="payments_reconcile"), *super().get_urls()]

    def reconcile_view(self, request):
        """What ``manage.py reconcile`` prints, for operators (staff who may see payments)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        report = reconcile()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "report": report,
            "received": format_eur(report.card_received_cents),
            "held": format_eur(report.card_authorised_cents),
            "refunded": format_eur(report.card_refunded_cents),
            "kept": format_eur(report.kept_cents),
            "credit": format_eur(report.credit_balance_cents),
        }
        return TemplateResponse(request, "admin/payments/reconcile.html", context)


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ["key", "reason", "amount_cents", "stripe_refund_id", "created_at"]
    list_select_related = ["payment"]


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdmin):
    list_display = ["dispute_id", "payment", "amount_cents", "status", "reason", "closed_at"]
    list_filter = ["status"]
    list_select_related = ["payment"]


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ["event_id", "type", "ignored", "received_at"]
    list_filter = ["type"]


class SavedCardInline(admin.TabularInline):
    """Cards are saved by a payment and removed by the household (detached at Stripe)."""

    model = SavedCard
    fields = ["brand", "last4", "payment_method_id", "saved_at", "last_used_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(StripeCustomer)
class StripeCustomerAdmin(ReadOnlyAdmin):
    list_display = ["user", "customer_id"]
    list_select_related = ["user"]
    inlines = [SavedCardInline]


@admin.register(CreditEntry)
class CreditEntryAdmin(ReadOnlyAdmin):
    """The ledger is append-only: rows are never edited nor deleted here."""

    list_display = ["household", "amount_cents", "reason", "reference", "created_at"]
    list_filter = ["reason"]
    list_select_related = ["household"]


@admin.register(ConnectedAccount)
class ConnectedAccountAdmin(ReadOnlyAdmin):
    list_display = [
        "account_id",
        "owner_kind",
        "owner_id",
        "charges_enabled",
        "payouts_enabled",
        "details_submitted",
        "disabled_reason",
        "updated_at",
    ]
    list_filter = ["owner_kind", "charges_enabled", "payouts_enabled"]
    search_fields = ["account_id", "owner_id"]


class TransferReversalInline(admin.TabularInline):
    model = TransferReversal
    extra = 0
    can_delete = False
    fields = ["key", "amount_cents", "status", "reversal_id", "failure_code", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ["key", "account", "amount_cents", "status", "transfer_id", "created_at"]
    list_filter = ["status"]
    search_fields = ["key", "transfer_id", "transfer_group", "account__account_id"]
    list_select_related = ["account"]
    inlines = [TransferReversalInline]


@admin.register(TransferReversal)
class TransferReversalAdmin(ReadOnlyAdmin):
    list_display = ["key", "transfer", "amount_cents", "status", "reversal_id", "created_at"]
    list_filter = ["status"]
    search_fields = ["key", "reversal_id", "transfer__transfer_id"]
    list_select_related = ["transfer"]
