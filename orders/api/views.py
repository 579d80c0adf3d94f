"""Orders API: thin views — parse with ``validated``, call a service, shape the answer.
Every lookup goes through the household's own orders, so anyone else's order is a 404 (staff
also read any order's receipt)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import renderers, serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import ModelBounds, PDFRenderer, integer_field, validated
from common.pdf import pdf_response
from common.schema import refusals
from orders import documents, selectors, services
from orders.api.serializers import (
    CreditSplitOutput,
    FoodMilesOutput,
    OrderOutput,
    PayOutput,
    PlacedOrderOutput,
    ReceiptOutput,
    order_output,
)
from orders.errors import (
    BasketManagedBySubscription,
    IdempotencyKeyReused,
    NotPayable,
    OrderingClosed,
    OrderNotChangeable,
    OutOfStock,
    PickupPointFull,
)
from orders.food_miles import order_food_miles
from orders.models import Order, OrderLine
from orders.services.placing import IDEMPOTENCY_KEY_MAX_LENGTH, MAX_QUANTITY
from payments.errors import (
    CardDeclined,
    InvalidPaymentMethod,
    PaymentInProgress,
    PaymentRejected,
    PaymentUnavailable,
)
from payments.services import customers

# What paying can answer besides its result (orders and subscriptions alike): no card given
# nor saved, a card that is not the household's own, Stripe refusing or declining it, another
# request paying the same thing (retry in a few seconds), Stripe unreachable (the same attempt
# is sent again, with the same idempotency key, on the next pay).
PAY_REFUSALS = refusals(
    InvalidPaymentMethod,
    PaymentRejected,
    CardDeclined,
    NotPayable,
    OrderingClosed,
    PaymentInProgress,
    PaymentUnavailable,
)


# Changing or cancelling gives money back at once where it was captured (Stripe may be down).
CHANGE_REFUSALS = refusals(
    OrderingClosed, OrderNotChangeable, BasketManagedBySubscription, PaymentUnavailable
)


def _placed(order, checkout) -> dict:
    """PlacedOrderOutput's shape (see ``order_output``)."""
    data = order_output(order)
    data["payment"] = {
        "publishable_key": checkout.publishable_key,
        "client_secret": checkout.client_secret,
        "saved_card": None
        if checkout.saved_card is None
        else {"brand": checkout.saved_card.brand, "last4": checkout.saved_card.last4},
    }
    return data


class OrderLineInput(ModelBounds, serializers.Serializer):
    class Meta:
        model = OrderLine

    offer = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


class OrderCreateInput(ModelBounds, serializers.Serializer):
    class Meta:
        model = Order

    distribution = serializers.IntegerField(min_value=1)
    lines = OrderLineInput(many=True, allow_empty=False, max_length=100)

    def validate_lines(self, value) -> dict[int, int]:
        lines: dict[int, int] = {}
        for line in value:
            lines[line["offer"]] = lines.get(line["offer"], 0) + line["quantity"]
        return lines


class OrderLineChangeInput(ModelBounds, serializers.Serializer):
    class Meta:
        model = OrderLine

    line = integer_field(OrderLine, help_text="Id of one of the order's lines.")
    quantity = serializers.IntegerField(min_value=0, max_value=MAX_QUANTITY)


class OrderChangeInput(serializers.Serializer):
    lines = OrderLineChangeInput(many=True, allow_empty=False, max_length=100)

    def validate_lines(self, value) -> dict[int, int]:
        return {change["line"]: change["quantity"] for change in value}


class OrderPayInput(serializers.Serializer):
    payment_method = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=255,
        help_text="pm_… of a saved card (GET /api/v1/cards/) or from stripe.confirmCardSetup; "
        "empty: the card used last (not needed when credit covers the order).",
    )
    use_credit = serializers.BooleanField(
        required=False,
        default=True,
        help_text="Pay with the household's credit first (default). False: the card pays all.",
    )


class CreditSplitInput(serializers.Serializer):
    use_credit = serializers.BooleanField(required=False, default=True)


class OrderListCreateApi(ListAPIView):
    serializer_class = OrderOutput

    def get_queryset(self):
        return selectors.household_orders(user=self.request.user)

    @extend_schema(
        summary="Place an order (stock reserved, awaiting payment)",
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                {"type": "string", "minLength": 1, "maxLength": IDEMPOTENCY_KEY_MAX_LENGTH},
                OpenApiParameter.HEADER,
                required=True,
                description="A new key for each new order. The same key with the same order "
                "returns that order, never a second one; with another order it is refused "
                "(422 `idempotency_key_reused`).",
            )
        ],
        request=OrderCreateInput,
        responses={
            201: PlacedOrderOutput,
            **refusals(
                OutOfStock,
                OrderingClosed,
                PickupPointFull,
                IdempotencyKeyReused,
                PaymentUnavailable,
            ),
        },
    )
    def post(self, request):
        data = validated(OrderCreateInput, request.data)
        order = services.place_order(
            household=request.user,
            distribution=data["distribution"],  # read and locked by the service (400 if unknown)
            lines=data["lines"],
            idempotency_key=request.headers.get("Idempotency-Key", ""),
        )
        order = selectors.with_lines(order)  # a new order has them; a replayed one reads them
        checkout = customers.checkout(household=request.user)
        return Response(_placed(order, checkout), status=201)


class OrderDetailApi(APIView):
    @extend_schema(summary="One of my orders", responses={200: OrderOutput})
    def get(self, request, pk: int):
        return Response(OrderOutput(selectors.household_order(user=request.user, pk=pk)).data)

    @extend_schema(
        summary="Lower quantities before the cutoff (0 removes a line)",
        request=OrderChangeInput,
        responses={200: OrderOutput, **CHANGE_REFUSALS},
    )
    def patch(self, request, pk: int):
        order = selectors.household_order(user=request.user, pk=pk)
        data = validated(OrderChangeInput, request.data)
        services.change_order(order=order, quantities=data["lines"])
        return Response(OrderOutput(selectors.household_order(user=request.user, pk=pk)).data)


class OrderCancelApi(APIView):
    @extend_schema(
        summary="Cancel an order before the cutoff (hold released or refunded)",
        request=None,
        responses={200: OrderOutput, **CHANGE_REFUSALS},
    )
    def post(self, request, pk: int):
        order = selectors.household_order(user=request.user, pk=pk)
        services.cancel_order(order=order)
        return Response(OrderOutput(selectors.household_order(user=request.user, pk=pk)).data)


def _paid(request, pk, result) -> Response:
    order = selectors.household_order(user=request.user, pk=pk)
    return Response(
        PayOutput(
            {
                "order": order,
                "payment_status": result.status,
                "client_secret": result.client_secret,
            }
        ).data
    )


class OrderPayApi(APIView):
    @extend_schema(
        summary="Pay with a saved card (PaymentIntent created and confirmed)",
        description="One live payment attempt per order: pays made at once share it and get "
        "the same answer.",
        request=OrderPayInput,
        responses={200: PayOutput, **PAY_REFUSALS},
    )
    def post(self, request, pk: int):
        order = selectors.household_order(user=request.user, pk=pk)
        data = validated(OrderPayInput, request.data)
        result = services.pay_order(
            order=order,
            payment_method=data.get("payment_method", ""),
            use_credit=data["use_credit"],
        )
        return _paid(request, pk, result)


class OrderCreditSplitApi(APIView):
    @extend_schema(
        summary="How paying the order now would split between credit and card",
        description="The credit balance, what of it this order would use, and what is left "
        "for the card (0: no card needed). Credit that a card attempt counts on is only spent "
        "when that attempt holds money.",
        parameters=[
            OpenApiParameter(
                "use_credit",
                bool,
                OpenApiParameter.QUERY,
                description="false: the split without using credit (default true).",
            )
        ],
        responses={200: CreditSplitOutput},
    )
    def get(self, request, pk: int):
        order = selectors.household_order(user=request.user, pk=pk)
        data = validated(CreditSplitInput, request.query_params)
        return Response(
            CreditSplitOutput(
                services.credit_split(order=order, use_credit=data["use_credit"])
            ).data
        )


class OrderFoodMilesApi(APIView):
    @extend_schema(
        summary="How far the order's products travelled to its pickup point",
        description="From each farm to the pickup point, as the crow flies, over the active "
        "lines whose farm and point have a position (docs/farm-pages.md).",
        responses={200: FoodMilesOutput},
    )
    def get(self, request, pk: int):
        order = selectors.household_order(user=request.user, pk=pk)
        return Response(FoodMilesOutput(order_food_miles(order)).data)


class OrderPaymentRefreshApi(APIView):
    @extend_schema(
        summary="Re-read the payment (after 3-D Secure in the browser)",
        request=None,
        responses={200: PayOutput, **refusals(PaymentUnavailable)},
    )
    def post(self, request, pk: int):
        order = selectors.household_order(user=request.user, pk=pk)
        return _paid(request, pk, services.refresh_payment(order=order))


class OrderReceiptApi(APIView):
    renderer_classes = [renderers.JSONRenderer, PDFRenderer]

    @extend_schema(
        summary="The receipt of one of my orders (JSON, or the PDF with ?format=pdf)",
        description="Per farm, the lines VAT included; the VAT per rate (computed once per "
        "rate on its VAT-inclusive total, rounded half up); the credit used, the cards "
        "charged, the refunds to the card and to credit. `provisional` until the sale "
        "closes. Staff may read any order's receipt.",
        parameters=[
            OpenApiParameter(
                "format", str, enum=["json", "pdf"], description="pdf: the receipt as a PDF"
            )
        ],
        responses={
            (200, "application/json"): ReceiptOutput,
            (200, "application/pdf"): OpenApiTypes.BINARY,
        },
    )
    def get(self, request, pk: int):
        order = selectors.receipt_order(user=request.user, pk=pk)
        receipt = selectors.receipt(order)
        if getattr(request.accepted_renderer, "format", "") == "pdf":
            return pdf_response(documents.receipt_pdf(receipt), documents.receipt_filename(order))
        return Response(ReceiptOutput(receipt).data)
