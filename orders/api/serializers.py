"""Shapes of the orders API's answers (inputs live next to their views)."""

from rest_framework import serializers

from common.api import BoundedModelSerializer
from orders.models import Order, OrderLine


class OrderLineOutput(BoundedModelSerializer):
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


class OrderOutput(BoundedModelSerializer):
    lines = OrderLineOutput(many=True)

    class Meta:
        model = Order
        fields = ["id", "distribution", "status", "total_cents", "created_at", "paid_at", "lines"]
        read_only_fields = fields


_DATETIME = serializers.DateTimeField()


def order_output(order: Order) -> dict:
    """``OrderOutput(order).data``, built by hand: the answer to every new order. A
    ModelSerializer builds its fields anew each time it is used, ~1 ms here, as much as three
    of the order's queries. Same keys and values (``tests/orders/test_placing.py`` compares
    the two); the schema is still OrderOutput's."""

    def when(value):
        return None if value is None else _DATETIME.to_representation(value)

    return {
        "id": order.pk,
        "distribution": order.distribution_id,
        "status": str(order.status),
        "total_cents": order.total_cents,
        "created_at": when(order.created_at),
        "paid_at": when(order.paid_at),
        "lines": [
            {
                "id": line.pk,
                "offer": line.offer_id,
                "producer": line.producer_id,
                "producer_name": line.producer_name,
                "product_name": line.product_name,
                "unit_price_cents": line.unit_price_cents,
                "quantity": line.quantity,
                "total_cents": line.total_cents,
                "status": str(line.status),
                "cancel_reason": str(line.cancel_reason),
            }
            for line in order.lines.all()
        ],
    }


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


class CreditSplitOutput(serializers.Serializer):
    credit_balance_cents = serializers.IntegerField(help_text="The household's credit balance.")
    credit_to_use_cents = serializers.IntegerField(
        help_text="What of it paying this order now would use (0 when use_credit is false, "
        "or the order no longer awaits payment)."
    )
    card_cents = serializers.IntegerField(help_text="What is left for the card (0: no card).")
    use_credit = serializers.BooleanField()
