"""Shapes of the pickup API's answers (output only; inputs live next to their views)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.api import BoundedModelSerializer
from payments.api.serializers import PayoutAccountField
from pickup.models import Distribution, PickupPoint, Supplier


class NextDistributionOutput(BoundedModelSerializer):
    class Meta:
        model = Distribution
        fields = ["id", "starts_at", "ends_at", "cutoff_at", "status"]


class PointSearchResultOutput(BoundedModelSerializer):
    distance_km = serializers.SerializerMethodField()
    next_distribution = NextDistributionOutput(allow_null=True)

    class Meta:
        model = PickupPoint
        fields = [
            "id",
            "name",
            "slug",
            "address",
            "latitude",
            "longitude",
            "distance_km",
            "next_distribution",
        ]

    def get_distance_km(self, point) -> float:
        return round(point.distance_km, 2)


class OriginOutput(serializers.Serializer):
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    label = serializers.CharField()


class PointSearchOutput(serializers.Serializer):
    origin = OriginOutput()
    radius_km = serializers.FloatField()
    results = PointSearchResultOutput(many=True)


class HostPointOutput(BoundedModelSerializer):
    payout_account = PayoutAccountField("pickup_point", read_only=True)

    class Meta:
        model = PickupPoint
        fields = [
            "id",
            "name",
            "slug",
            "description",
            "address",
            "latitude",
            "longitude",
            "location_status",
            "access_instructions",
            "capacity",
            "cutoff_hours",
            "opens_days",
            "is_active",
            "hosts",
            "payout_account",
            "legal_name",
            "siret",
            "vat_regime",
            "vat_number",
        ]
        read_only_fields = fields


class DistributionOutput(BoundedModelSerializer):
    class Meta:
        model = Distribution
        fields = [
            "id",
            "pickup_point",
            "week",
            "starts_at",
            "ends_at",
            "opens_at",
            "cutoff_at",
            "status",
        ]
        read_only_fields = fields


class NamedOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class SupplierOutput(BoundedModelSerializer):
    producer = NamedOutput()
    pickup_point = NamedOutput()

    class Meta:
        model = Supplier
        fields = [
            "id",
            "producer",
            "pickup_point",
            "status",
            "distance_km",
            "requested_at",
            "decided_at",
        ]
        read_only_fields = fields


# --- Catalogue ------------------------------------------------------------------------------


class ReferencePriceOutput(serializers.Serializer):
    cents = serializers.IntegerField()
    per = serializers.ChoiceField(choices=["kg", "l"])


class CatalogueProductOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    category = serializers.CharField()
    unit = serializers.CharField()
    quantity_per_unit = serializers.DecimalField(max_digits=8, decimal_places=3)
    is_organic = serializers.BooleanField()
    sold_by_weight = serializers.BooleanField(
        help_text="The weight (quantity_per_unit) and the offer's price are a piece's "
        "estimate: the farm weighs it after the close and the household pays the real weight "
        "at the same price per kg. The card is authorised for the estimate plus the farm's "
        "margin (its producer's weight_margin_bp)."
    )
    estimated_weight_g = serializers.IntegerField(
        allow_null=True, help_text="Sold by weight: the estimated weight of a piece, in grams."
    )
    reference_price = ReferencePriceOutput(
        allow_null=True,
        help_text="Price per kg or per litre at this offer's price; null for pieces, bunches...",
    )


class CatalogueProducerOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    minimum_order_cents = serializers.IntegerField()
    weight_margin_bp = serializers.IntegerField(
        help_text="Products sold by weight: what the card is authorised for beyond their "
        "estimate, in basis points (1500 = 15 %)."
    )


class CatalogueOfferOutput(serializers.Serializer):
    id = serializers.IntegerField()
    product = serializers.SerializerMethodField()
    producer = CatalogueProducerOutput(source="catalogue.producer")
    unit_price_cents = serializers.IntegerField(source="price_cents")
    remaining = serializers.IntegerField()

    @extend_schema_field(CatalogueProductOutput)
    def get_product(self, offer):
        price = offer.reference_price
        product = offer.product
        return {
            "id": product.pk,
            "name": product.name,
            "category": product.category,
            "unit": product.unit,
            "quantity_per_unit": str(product.quantity_per_unit),
            "is_organic": product.is_organic,
            "sold_by_weight": product.sold_by_weight,
            "estimated_weight_g": product.estimated_weight_g,
            "reference_price": None if price is None else {"cents": price.cents, "per": price.per},
        }


class CatalogueDistributionOutput(BoundedModelSerializer):
    pickup_point = NamedOutput()

    class Meta:
        model = Distribution
        fields = ["id", "pickup_point", "week", "starts_at", "ends_at", "cutoff_at", "status"]
        read_only_fields = fields


class CatalogueOutput(serializers.Serializer):
    distribution = CatalogueDistributionOutput()
    offers = CatalogueOfferOutput(many=True)
