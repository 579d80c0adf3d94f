"""Shapes of the orders API's answers (inputs live next to their views)."""

from rest_framework import serializers

from orders.models import Order, OrderLine


class OrderLineOutput(serializers.ModelSerializer):
    producer = serializers.IntegerField(source="producer_id")
    offer = serializers.IntegerField(source="offer_id")
    total_cents = serializers.IntegerField()

    class Meta:
        model = OrderLine
        fields = [
            "id",
            "offer",
            "producer",
            "producer_name",
            "product_name",
            "unit_price_cents",
            "quantity",
            "total_cents",
            "status",
            "cancel_reason",
        ]
        read_only_fields = fields


class CardOutput(serializers.Serializer):
    brand = serializers.CharField()
    last4 = serializers.CharField()


class CheckoutOutput(serializers.Serializer):
    publishable_key = serializers.CharField()
    client_secret = serializers.CharField(
        help_text="SetupIntent client secret: confirm with stripe.confirmCardSetup, then pay."
    )
    saved_card = CardOutput(allow_null=True)


class OrderOutput(serializers.ModelSerializer):
    lines = OrderLineOutput(many=True)

    class Meta:
        model = Order
        fields = ["id", "distribution", "status", "total_cents", "created_at", "paid_at", "lines"]
        read_only_fields = fields


class PlacedOrderOutput(OrderOutput):
    payment = CheckoutOutput()

    class Meta(OrderOutput.Meta):
        fields = [*OrderOutput.Meta.fields, "payment"]
        read_only_fields = fields


class PayOutput(serializers.Serializer):
    order = OrderOutput()
    payment_status = serializers.CharField(help_text="The PaymentIntent's status.")
    client_secret = serializers.CharField(
        allow_blank=True,
        help_text="When payment_status is requires_action: call stripe.confirmCardPayment "
        "with it, then POST .../payment/refresh/.",
    )
