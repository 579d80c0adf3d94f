"""Operators' pages for farms, products and catalogues: every write through the services."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from common.admin import ServiceAdmin, changes, values
from common.errors import DomainError
from producers import services
from producers.models import Catalogue, Offer, Producer, Product

PRODUCER_FIELDS = [
    "name",
    "slug",
    "address",
    "description",
    "members",
    "minimum_order_cents",
    "is_active",
]
# The farm's legal identity (for its payouts and invoices), checked by ``update_producer``.
LEGAL_FIELDS = ["legal_name", "siret", "vat_regime", "vat_number"]
POSITION_FIELDS = ["latitude", "longitude", "location_status"]


@admin.register(Producer)
class ProducerAdmin(ServiceAdmin):
    """Saved by ``create_producer`` / ``update_producer``: a new address is geocoded after the
    save, the position (read-only here) pending until then."""

    list_display = ["name", "address", "location_status", "minimum_order_cents", "is_active"]
    list_filter = ["is_active", "location_status"]
    search_fields = ["name", "address"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]
    fields = PRODUCER_FIELDS + LEGAL_FIELDS + POSITION_FIELDS
    readonly_fields = POSITION_FIELDS

    def create(self, form):
        producer = services.create_producer(**values(form, PRODUCER_FIELDS))
        legal = {k: v for k, v in values(form, LEGAL_FIELDS).items() if v}
        return services.update_producer(producer=producer, **legal) if legal else producer

    def update(self, row, form):
        services.update_producer(producer=row, **changes(form, PRODUCER_FIELDS + LEGAL_FIELDS))


@admin.register(Product)
class ProductAdmin(ServiceAdmin):
    """Saved by ``create_product`` / ``update_product`` (names unique per farm whatever their
    case), deleted by ``delete_product``. A product stays with its farm."""

    list_display = [
        "name",
        "producer",
        "category",
        "unit",
        "quantity_per_unit",
        "price_cents",
        "reference_price",
        "vat_rate",
        "is_organic",
        "is_active",
    ]
    list_filter = ["category", "is_organic", "is_active", "producer"]
    list_select_related = ["producer"]
    search_fields = ["name", "producer__name"]

    @admin.display(description=_("price per kg or litre"))
    def reference_price(self, product: Product) -> str:
        return str(product.reference_price or "—")

    def get_readonly_fields(self, request, obj=None):
        return ["producer"] if obj is not None else []

    def create(self, form):
        producer = form.cleaned_data["producer"]
        return services.create_product(producer=producer, **values(form, services.PRODUCT_FIELDS))

    def update(self, row, form):
        services.update_product(product=row, **changes(form, services.PRODUCT_FIELDS))

    def delete_model(self, request, obj):
        services.delete_product(product=obj)

    def delete_queryset(self, request, queryset):
        for product in queryset.order_by("pk"):
            services.delete_product(product=product)


class OfferInline(admin.TabularInline):
    model = Offer
    extra = 0
    fields = ["product", "price_cents", "quantity", "remaining", "taken"]
    readonly_fields = ["remaining", "taken"]
    autocomplete_fields = ["product"]

    @admin.display(description=_("taken by orders"))
    def taken(self, offer: Offer) -> int:
        return offer.taken if offer.pk else 0


@admin.register(Catalogue)
class CatalogueAdmin(ServiceAdmin):
    """Started by ``create_catalogue`` (this week or later, on its Monday, once per farm and
    week); offers go through the services, so stock never drops below what orders took."""

    list_display = ["__str__", "producer", "week", "status", "published_at"]
    list_filter = ["status", "week"]
    list_select_related = ["producer"]
    search_fields = ["producer__name"]
    inlines = [OfferInline]
    actions = ["publish"]

    @admin.action(description=_("Publish the selected catalogues"))
    def publish(self, request, queryset):
        for catalogue in queryset.order_by("pk"):
            try:
                services.publish_catalogue(catalogue=catalogue)
            except DomainError as exc:
                self.message_user(request, f"{catalogue}: {exc.message}", messages.ERROR)

    def get_readonly_fields(self, request, obj=None):
        fields = ["status", "published_at"]
        return ["producer", "week", *fields] if obj is not None else fields

    def create(self, form):
        return services.create_catalogue(**values(form, ["producer", "week"]))

    def update(self, row, form):
        pass  # nothing of the catalogue itself changes here: its offers do (save_formset)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Offer:
            return super().save_formset(request, form, formset, change)
        catalogue = form.instance
        for offer_form in formset.forms:
            if not offer_form.has_changed() and offer_form not in formset.deleted_forms:
                continue
            offer, data = offer_form.instance, offer_form.cleaned_data
            try:
                if offer_form in formset.deleted_forms:
                    if offer.pk:
                        services.delete_offer(offer=offer)
                elif offer.pk:
                    current = Offer.objects.get(pk=offer.pk)
                    services.update_offer(
                        offer=current, quantity=data["quantity"], price_cents=data["price_cents"]
                    )
                else:
                    services.add_offer(
                        catalogue=catalogue,
                        product=data["product"],
                        quantity=data["quantity"],
                        price_cents=data["price_cents"],
                    )
            except DomainError as exc:
                self.message_user(request, str(exc.message), messages.ERROR)
        formset.new_objects = formset.changed_objects = formset.deleted_objects = []
