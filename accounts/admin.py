from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken, User
from accounts.services import USER_FIELDS, register_user, revoke_token, update_user
from common.admin import ServiceAdmin, changes


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class UserChangeForm(BaseUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(ServiceAdmin, BaseUserAdmin):
    """Accounts are opened by ``register_user`` and changed by ``update_user``: an e-mail
    address is kept lowercase and unique whatever its case, as at sign-up."""

    add_form = UserCreationForm
    form = UserChangeForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "phone"]}),
        (
            _("Rights"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "usable_password", "password1", "password2"],
            },
        )
    ]

    def create(self, form):
        data = form.cleaned_data
        password = data["password1"] if data.get("set_usable_password", True) else None
        return register_user(email=data["email"], password=password, full_name=data["full_name"])

    def update(self, row, form):
        update_user(user=row, changes=changes(form, USER_FIELDS))


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Operators see tokens and revoke them (delete); a secret is only ever shown to its owner."""

    list_display = ["user", "name", "created_at", "last_used_at", "expires_at"]
    list_select_related = ["user"]
    search_fields = ["user__email", "name"]
    readonly_fields = ["user", "name", "created_at", "last_used_at", "expires_at"]
    fields = readonly_fields
    ordering = ["-created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        revoke_token(token=obj)

    def delete_queryset(self, request, queryset):
        for token in queryset:
            revoke_token(token=token)
