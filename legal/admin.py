from django.contrib import admin

from legal.models import Acceptance


@admin.register(Acceptance)
class AcceptanceAdmin(admin.ModelAdmin):
    """Acceptances are proof: operators read them, nobody edits them by hand."""

    list_display = ["user", "document", "version", "accepted_at"]
    list_filter = ["document", "version"]
    search_fields = ["user__email"]
    readonly_fields = ["user", "document", "version", "accepted_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
