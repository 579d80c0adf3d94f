"""Input (plain, validated in views) and output shapes of the producers API.

Owner fields (producer, catalogue) are never inputs: they come from the URL, under the
request user's producers.
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common import siret as ids
from common.api import BoundedModelSerializer, ModelBounds
from payments.api.serializers import PayoutAccountField
from producers import photos
from producers.models import MAX_WEIGHT_MARGIN_BP, Catalogue, Offer, Producer, Product
from producers.weeks import iso_label, parse_iso_label

MAX_CENTS = 10_000_000
WEIGHT_MARGIN_HELP = (
    "Products sold by weight: what the card is authorised for beyond their estimate, in basis "
    "points from 0 to 5000 (1500 = 15 %: a 10 € estimate is authorised for 11.50 €); the "
    "household pays the real weight, never more than that."
)


class ReferencePriceOut(serializers.Serializer):
    """Price per kg or per litre (EU unit-price rule); null for pieces, bunches, boxes..."""

    cents = serializers.IntegerField()
    per = serializers.ChoiceField(choices=["kg", "l"])
    display = serializers.CharField(source="__str__")


class PhotoRenditionOut(serializers.Serializer):
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    webp = serializers.CharField(help_text="URL of the WebP file.")
    jpeg = serializers.CharField(help_text="URL of the JPEG file.")


class PhotoOut(serializers.Serializer):
    """A product's or farm's photo: 4:3, in WebP and JPEG at up to three widths."""

    alt = serializers.CharField(help_text="What the photo shows, for people who cannot see it.")
    renditions = PhotoRenditionOut(many=True, help_text="Narrowest first.")


class PhotoField(serializers.Field):
    """The ``photo`` of a product or a farm (read-only: the pages send it), null without one."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, owner):
        renditions = photos.renditions(owner.photo.name)
        if not renditions:
            return None
        request = self.context.get("request")

        def absolute(name: str) -> str:
            url = photos.url(name)
            return request.build_absolute_uri(url) if request is not None else url

        return {
            "alt": owner.photo_alt,
            "renditions": [
                {"width": r.width, "height": r.height, "webp": absolute(r.webp),
                 "jpeg": absolute(r.jpeg)}
                for r in renditions
            ],
        }  # fmt: skip


PhotoField = extend_schema_field(PhotoOut(allow_null=True))(PhotoField)


class PhotoUploadIn(serializers.Serializer):
    file = serializers.FileField(
        help_text="JPEG, PNG or WebP (read from the content), 8 MB at most, at least 400 pixels "
        "on its shortest side, 50 megapixels at most; cropped to 4:3 around its centre. "
        "Refused with `photo_type`, `photo_unreadable`, `photo_too_large`, `photo_too_small` "
        "or `photo_too_many_pixels`."
    )
    alt = serializers.CharField(
        max_length=250, help_text="What the photo shows, for people who cannot see it."
    )


class ProducerOut(BoundedModelSerializer):
    payout_account = PayoutAccountField("producer", read_only=True)
    photo = PhotoField()

    class Meta:
        model = Producer
        fields = [
            "id",
            "name",
            "slug",
            "description",
            "address",
            "latitude",
            "longitude",
            "location_status",
            "minimum_order_cents",
            "weight_margin_bp",
            "is_active",
            "legal_name",
            "siret",
            "vat_regime",
            "vat_number",
            "legal_identity_complete",
            "payout_account",
            "photo",
        ]
        read_only_fields = fields
        extra_kwargs = {"weight_margin_bp": {"help_text": WEIGHT_MARGIN_HELP}}

    legal_identity_complete = serializers.BooleanField(
        read_only=True,
        help_text="A legal name, a valid SIRET, a VAT regime, and a VAT number when liable: "
        "needed before payouts and invoices.",
    )


class IdentifierField(serializers.CharField):
    """A SIRET or VAT number as people type it: its spaces are removed before it is bounded
    and checked (``732 829 320 00074`` fits the 14 characters of its column)."""

    def to_internal_value(self, data):
        return ids.normalize(super().to_internal_value(data))


class LegalIdentityIn(serializers.Serializer):
    """A legal identity sent by its owner (a farm; a host for its point): checked by
    ``producers.legal`` (the codes below)."""

    legal_name = serializers.CharField(max_length=200, allow_blank=True, required=False)
    siret = IdentifierField(
        max_length=20,
        allow_blank=True,
        required=False,
        help_text="14 digits; spaces are removed. Refused with `invalid_siret`.",
    )
    vat_regime = serializers.ChoiceField(
        choices=Producer.VatRegime.choices, allow_blank=True, required=False
    )
    vat_number = IdentifierField(
        max_length=20,
        allow_blank=True,
        required=False,
        help_text="FR + 2-character key + SIREN; required when `vat_regime` is `liable`. "
        "Refused with `invalid_vat_number`, `vat_number_required` or "
        "`vat_number_siren_mismatch`.",
    )


class ProducerUpdateIn(ModelBounds, LegalIdentityIn):
    class Meta:
        model = Producer

    name = serializers.CharField(max_length=150)
    description = serializers.CharField(allow_blank=True)
    address = serializers.CharField(max_length=300)
    minimum_order_cents = serializers.IntegerField(min_value=0, max_value=MAX_CENTS)
    weight_margin_bp = serializers.IntegerField(
        min_value=0,
        max_value=MAX_WEIGHT_MARGIN_BP,
        required=False,
        help_text=WEIGHT_MARGIN_HELP + " Applies to orders placed afterwards.",
    )


class ProducerProductOut(BoundedModelSerializer):
    reference_price = ReferencePriceOut(read_only=True, allow_null=True)
    photo = PhotoField()
    estimated_weight_g = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="Sold by weight: quantity_per_unit in grams, the estimated weight of a piece.",
    )

    class Meta:
        model = Product
        fields = [
            "id",
            "producer",
            "name",
            "category",
            "unit",
            "quantity_per_unit",
            "price_cents",
            "vat_rate",
            "is_organic",
            "description",
            "is_active",
            "sold_by_weight",
            "estimated_weight_g",
            "reference_price",
            "photo",
        ]
        read_only_fields = fields


class ProducerProductIn(ModelBounds, serializers.Serializer):
    class Meta:
        model = Product

    name = serializers.CharField(max_length=150)
    category = serializers.ChoiceField(choices=Product.Category.choices)
    unit = serializers.ChoiceField(choices=Product.Unit.choices)
    quantity_per_unit = serializers.DecimalField(
        max_digits=8, decimal_places=3, min_value=Decimal("0.001"), required=False
    )
    price_cents = serializers.IntegerField(min_value=0, max_value=MAX_CENTS)
    vat_rate = serializers.ChoiceField(choices=Product.VatRate.choices, required=False)
    is_organic = serializers.BooleanField(required=False)
    description = serializers.CharField(allow_blank=True, required=False)
    is_active = serializers.BooleanField(required=False)
    sold_by_weight = serializers.BooleanField(
        required=False,
        help_text="The household pays the real weight: quantity_per_unit (in kg or g only, "
        "else 400 `weighed_in_kg_or_g` on unit) is then a piece's estimated weight and "
        "price_cents its estimated price; the farm weighs each line after the close.",
    )


class ProducerOfferOut(BoundedModelSerializer):
    product_name = serializers.CharField(source="product.name", read_only=True)
    unit = serializers.CharField(source="product.unit", read_only=True)
    quantity_per_unit = serializers.DecimalField(
        source="product.quantity_per_unit", max_digits=8, decimal_places=3, read_only=True
    )
    sold_by_weight = serializers.BooleanField(source="product.sold_by_weight", read_only=True)
    estimated_weight_g = serializers.IntegerField(
        source="product.estimated_weight_g",
        read_only=True,
        allow_null=True,
        help_text="Sold by weight: the estimated weight of a piece, in grams.",
    )
    taken = serializers.IntegerField(read_only=True)
    reference_price = ReferencePriceOut(read_only=True, allow_null=True)

    class Meta:
        model = Offer
        fields = [
            "id",
            "catalogue",
            "product",
            "product_name",
            "unit",
            "quantity_per_unit",
            "sold_by_weight",
            "estimated_weight_g",
            "price_cents",
            "quantity",
            "remaining",
            "taken",
            "reference_price",
        ]
        read_only_fields = fields


class ProducerOfferIn(ModelBounds, serializers.Serializer):
    class Meta:
        model = Offer

    product = serializers.IntegerField(min_value=1, help_text="Id of one of your products.")
    quantity = serializers.IntegerField(min_value=0, max_value=1_000_000, help_text="Stock.")
    price_cents = serializers.IntegerField(
        min_value=0, max_value=MAX_CENTS, required=False, help_text="Default: the product's."
    )


class ProducerOfferUpdateIn(ModelBounds, serializers.Serializer):
    class Meta:
        model = Offer

    quantity = serializers.IntegerField(
        min_value=0, max_value=1_000_000, help_text="Stock; never below what orders took."
    )
    price_cents = serializers.IntegerField(min_value=0, max_value=MAX_CENTS)


class ProducerCatalogueOut(BoundedModelSerializer):
    iso_week = serializers.SerializerMethodField()
    offers = ProducerOfferOut(many=True, read_only=True)

    class Meta:
        model = Catalogue
        fields = ["id", "producer", "week", "iso_week", "status", "published_at", "offers"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(help_text="ISO week, e.g. 2026-W48."))
    def get_iso_week(self, catalogue: Catalogue) -> str:
        return iso_label(catalogue.week)


class WeekField(serializers.CharField):
    """An ISO week (``2026-W48``) or any date in it (``2026-11-25``) → that week's Monday."""

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        try:
            return parse_iso_label(text)
        except ValueError:
            raise serializers.ValidationError(
                _("Enter an ISO week such as 2026-W48 or a date such as 2026-11-23.")
            ) from None


class ProducerCatalogueIn(serializers.Serializer):
    week = WeekField(help_text="ISO week (2026-W48) or a date in that week.")


class ProducerCopyLastWeekOut(serializers.Serializer):
    catalogue = ProducerCatalogueOut()
    copied = serializers.IntegerField(help_text="Offers copied.")
    source_week = serializers.DateField(source="source.week")


class ProducerCsvUploadIn(serializers.Serializer):
    file = serializers.FileField(
        help_text="UTF-8 CSV (BOM optional), separated by ';' or ','; prices like 3,50."
    )


class ProducerCsvImportOut(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
