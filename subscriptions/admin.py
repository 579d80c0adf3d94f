"""AMAP seasons and subscriptions in the admin. A season is created through the same service
as the producers' API (its rules hold); subscriptions and the waiting list are read-only here:
they move through the services (money follows)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from common.errors import DomainError
from subscriptions.models import (
    BasketSeason,
    CreditedWeek,
    Subscription,
    SubscriptionWaitlistEntry,
)
from subscriptions.services.seasons import create_season


class BasketSeasonForm(forms.ModelForm):
    class Meta:
        model = BasketSeason
        fields = [
            "product",
            "starts_on",
            "ends_on",
            "pickup_points",
            "price_cents",
            "max_subscribers",
            "max_skips",
            "skip_deadline_hours",
            "offer_hours",
        ]

    def clean(self):
        """A new season is made by :func:`create_season` here, so that its refusals show as
        form errors (and the admin saves what the service made)."""
        data = super().clean()
        if self.instance.pk or self.errors:
            return data
        try:
            self.created = create_season(
                product=data["product"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                pickup_points=list(data["pickup_points"]),
                price_cents=data["price_cents"],
                max_subscribers=data["max_subscribers"],
                max_skips=data["max_skips"],
                skip_deadline_hours=data["skip_deadline_hours"],
            )
        except DomainError as exc:
            errors = exc.extra.get("errors") or {"__all__": [exc.message]}
            raise ValidationError(
                {field: [str(m) for m in messages] for field, messages in errors.items()}
            ) from exc
        return data


@admin.register(BasketSeason)
class BasketSeasonAdmin(admin.ModelAdmin):
    form = BasketSeasonForm
    list_display = ["product", "starts_on", "ends_on", "price_cents", "max_subscribers"]
    list_select_related = ["product"]
    filter_horizontal = ["pickup_points"]

    def get_readonly_fields(self, request, obj=None):
        # Households prepaid a season's weeks on its terms: once made, they stand.
        return [] if obj is None else [*BasketSeasonForm.Meta.fields]

    def save_model(self, request, obj, form, change):
        if not change:
            form.instance = form.created  # made by the service in the form's clean()

    def save_related(self, request, form, formsets, change):
        pass  # the service set the pickup points


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["household", "season", "pickup_point", "status", "first_week", "total_cents"]
    list_filter = ["status"]
    list_select_related = ["household", "season__product", "pickup_point"]
    readonly_fields = [f.name for f in Subscription._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(SubscriptionWaitlistEntry)
class SubscriptionWaitlistEntryAdmin(admin.ModelAdmin):
    list_display = ["household", "season", "status", "offer_expires_at"]
    list_filter = ["status"]
    list_select_related = ["household", "season__product"]
    readonly_fields = [f.name for f in SubscriptionWaitlistEntry._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(CreditedWeek)
class CreditedWeekAdmin(admin.ModelAdmin):
    """Basket weeks credited with a reason (money rows: read-only, made by the services)."""

    list_display = ["subscription", "week", "reason", "credited_cents", "created_at"]
    list_filter = ["reason"]
    list_select_related = ["subscription__household", "subscription__season__product"]
    readonly_fields = [f.name for f in CreditedWeek._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
