"""Shapes of the orders API's answers (inputs live next to their views)."""

from rest_framework import serializers

from common.api import BoundedModelSerializer
from common.money import format_vat_rate
from orders.models import Order, OrderLine


class OrderLineOutput(BoundedModelSerializer):
    producer = serializers.IntegerField(source="producer_id")
    offer = serializers.IntegerField(source="offer_id")
    unit_price_cents = serializers.IntegerField(
        help_text="sold by weight: the estimated price of a piece"
    )
    sold_by_weight = serializers.BooleanField(
        help_text="the price is an estimate: the farm weighs the line after the close and the "
        "real weight is charged, never more than estimate_cents plus the farm's margin"
    )
    estimated_weight_g = serializers.IntegerField(
        allow_null=True, help_text="sold by weight: the estimated weight of one piece, in grams"
    )
    weight_g = serializers.IntegerField(
        allow_null=True,
        help_text="sold by weight: the real weight of all the pieces, once weighed (null until "
        "then, and for a line charged at its estimate because it was never weighed)",
    )
    estimate_cents = serializers.IntegerField(help_text="unit price × quantity")
    total_cents = serializers.IntegerField(
        help_text="what the line costs: the price of its real weight once weighed, else its "
        "estimate"
    )

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
            "sold_by_weight",
            "estimated_weight_g",
            "weight_g",
            "estimate_cents",
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
    total_cents = serializers.IntegerField(
        help_text="what the order costs: its active lines, weighed lines at their real weight "
        "and lines still to weigh at their estimate"
    )
    margin_cents = serializers.IntegerField(
        help_text="asked for beyond total_cents for the lines sold by weight still to weigh "
        "(the farm's margin on their estimate): never charged beyond their real weight"
    )
    authorised_cents = serializers.IntegerField(
        help_text="what the card (and credit) is asked for: total_cents + margin_cents; what "
        "the real weights do not cost is released or refunded once they are weighed"
    )
    lines = OrderLineOutput(many=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "distribution",
            "status",
            "total_cents",
            "margin_cents",
            "authorised_cents",
            "created_at",
            "paid_at",
            "lines",
        ]
        read_only_fields = fields


class FarmDistanceOutput(serializers.Serializer):
    producer = serializers.IntegerField(source="producer_id")
    name = serializers.CharField()
    distance_km = serializers.FloatField(help_text="farm → pickup point, as the crow flies")
    items = serializers.IntegerField(help_text="the order's items from this farm")


class FoodMilesOutput(serializers.Serializer):
    total_km = serializers.FloatField(
        allow_null=True,
        help_text="sum of the farm → pickup point distances of the active lines (once per "
        "line), as the crow flies, 0.1 km; null when no line could be measured",
    )
    average_km_per_item = serializers.FloatField(
        allow_null=True, help_text="the distances averaged over the items, weighted by quantity"
    )
    per_producer = FarmDistanceOutput(many=True, help_text="closest first")
    items_left_out = serializers.IntegerField(
        help_text="items whose farm or pickup point has no known position (not counted)"
    )


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
        "margin_cents": order.margin_cents,
        "authorised_cents": order.authorised_cents,
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
                "sold_by_weight": line.sold_by_weight,
                "estimated_weight_g": line.estimated_weight_g,
                "weight_g": line.weight_g,
                "estimate_cents": line.estimate_cents,
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


# --- The receipt (orders.receipts) ------------------------------------------------------------


class ReceiptLineOutput(serializers.Serializer):
    product_name = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price_cents = serializers.IntegerField(help_text="VAT included")
    total_cents = serializers.IntegerField(help_text="VAT included")
    vat_rate = serializers.IntegerField(help_text="basis points: 550 = 5.5 %")
    status = serializers.CharField(help_text="`active`, or `cancelled` (not charged)")
    cancel_reason = serializers.CharField()


class SellerOutput(serializers.Serializer):
    producer = serializers.IntegerField(source="producer_id")
    name = serializers.CharField()
    address = serializers.CharField()
    lines = ReceiptLineOutput(many=True)
    total_cents = serializers.IntegerField(help_text="active lines, VAT included")


class VatRateOutput(serializers.Serializer):
    rate = serializers.IntegerField(help_text="basis points: 550 = 5.5 %")
    label = serializers.SerializerMethodField(help_text="the rate as the language writes it")
    total_incl_cents = serializers.IntegerField()
    vat_cents = serializers.IntegerField()
    total_excl_cents = serializers.IntegerField()

    def get_label(self, amount) -> str:
        return format_vat_rate(amount.rate)


class CardPaymentOutput(serializers.Serializer):
    amount_cents = serializers.IntegerField()
    status = serializers.ChoiceField(
        choices=["charged", "authorised"],
        help_text="`authorised`: held on the card, captured at the close for what is delivered",
    )
    at = serializers.DateTimeField()
    brand = serializers.CharField(help_text="empty when not known")
    last4 = serializers.CharField(help_text="empty when not known")


class MoneyBackOutput(serializers.Serializer):
    to = serializers.ChoiceField(choices=["card", "credit"])
    amount_cents = serializers.IntegerField()
    reason = serializers.CharField()
    at = serializers.DateTimeField()


class ReceiptOutput(serializers.Serializer):
    """An order's receipt: per farm, VAT per rate (one rounding per rate, on the VAT-inclusive
    total), and the money from the ledgers. ``provisional`` until the sale closes."""

    order = serializers.IntegerField(source="order.pk")
    status = serializers.CharField(source="order.status")
    provisional = serializers.BooleanField()
    placed_at = serializers.DateTimeField(source="order.created_at")
    paid_at = serializers.DateTimeField(source="order.paid_at", allow_null=True)
    closed_at = serializers.DateTimeField(source="order.closed_at", allow_null=True)
    sellers = SellerOutput(many=True)
    vat = VatRateOutput(many=True, source="vat.rates")
    total_incl_cents = serializers.IntegerField(source="vat.total_incl_cents")
    vat_cents = serializers.IntegerField(source="vat.vat_cents")
    total_excl_cents = serializers.IntegerField(source="vat.total_excl_cents")
    prepaid_cents = serializers.IntegerField(help_text="paid in advance by a basket season")
    credit_used_cents = serializers.IntegerField()
    cards = CardPaymentOutput(many=True)
    refunds = MoneyBackOutput(many=True)
    paid_cents = serializers.IntegerField(help_text="prepaid + credit + cards charged")
    refunded_cents = serializers.IntegerField(help_text="to the card and to credit")
    kept_cents = serializers.IntegerField(
        help_text="paid − refunded: after the close, the total VAT included"
    )
    due_cents = serializers.IntegerField(
        help_text="before the close: what a card hold will be charged at most"
    )
