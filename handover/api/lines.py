"""A farm's lines after the close (``/distribution-day/producers/<id>/...``): listed with their
audit trail, marked short (``delivered/``), weighed (``weight/``). Thin views: the farm is one
of the caller's own (``producer_for_member``), the line one of that farm's (else 404), the
rules are the services' (``orders.services.corrections``, ``orders.services.weighing``)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import integer_field, validated, whole_number_field
from common.schema import refusals
from handover import reports
from orders.errors import (
    AlreadyHandedOver,
    LineNotFound,
    LineNotSold,
    NotSoldByWeight,
    QuantityAboveOrdered,
    SaleNotClosed,
    WeightAlreadyCharged,
)
from orders.models import OrderLine
from orders.services.corrections import mark_delivered
from orders.services.placing import MAX_QUANTITY
from orders.services.weighing import MAX_WEIGHT_G, enter_weight
from producers.selectors import producer_for_member


class LineChangeOutput(serializers.Serializer):
    at = serializers.DateTimeField(source="created_at")
    by = serializers.CharField(
        source="actor.full_name", allow_null=True, default=None, help_text="empty: the system"
    )
    reason = serializers.CharField(help_text="`short`, `weighed`, ...")
    quantity_before = serializers.IntegerField()
    quantity_after = serializers.IntegerField(help_text="0: cancelled")
    weight_before_g = serializers.IntegerField(
        allow_null=True, help_text="`weighed`: the weight before (null: not weighed yet)"
    )
    weight_after_g = serializers.IntegerField(
        allow_null=True,
        help_text="`weighed`: the weight entered (null, by the system: charged at its estimate)",
    )


class FarmLineOutput(serializers.Serializer):
    """One of the farm's lines at a closed distribution, as sold and as delivered; a line sold
    by weight also as estimated and as weighed."""

    id = serializers.IntegerField()
    order = serializers.IntegerField(source="order_id")
    pickup_code = serializers.CharField(source="order.pickup_code")
    handed_over = serializers.SerializerMethodField()
    product_name = serializers.CharField()
    unit_price_cents = serializers.IntegerField(
        help_text="sold by weight: the estimated price of a piece"
    )
    ordered_quantity = serializers.SerializerMethodField(
        help_text="sold at the close, before any correction"
    )
    delivered_quantity = serializers.SerializerMethodField(
        help_text="what the household pays for now (0: not delivered, or not sold)"
    )
    status = serializers.CharField()
    cancel_reason = serializers.CharField(allow_blank=True)
    sold_by_weight = serializers.BooleanField(
        help_text="the household pays the real weight; the farm weighs the line (weight/)"
    )
    to_weigh = serializers.BooleanField(
        help_text="sold by weight, active, and its price not final yet: neither weighed nor "
        "charged at its estimate"
    )
    estimated_weight_g = serializers.IntegerField(
        allow_null=True, help_text="sold by weight: the estimated weight of one piece"
    )
    weight_g = serializers.IntegerField(
        allow_null=True, help_text="the real weight of all the line's pieces (null: not weighed)"
    )
    weighed_cents = serializers.IntegerField(
        allow_null=True,
        help_text="the price at the real weight; without weight_g, the estimate charged for a "
        "line never weighed (null: price not final yet, or not sold by weight)",
    )
    estimate_cents = serializers.IntegerField(
        help_text="unit price × quantity: the estimate (the price of a line not sold by weight)"
    )
    most_cents = serializers.IntegerField(
        help_text="the most the line can cost: its estimate plus the farm's margin when sold "
        "by weight (what the card was authorised for)"
    )
    total_cents = serializers.IntegerField(
        help_text="what the line costs now: weighed_cents once final, else its estimate"
    )
    changes = LineChangeOutput(many=True)

    def get_handed_over(self, line) -> bool:
        return line.order.collected_at is not None

    def get_ordered_quantity(self, line) -> int:
        return line.ordered_quantity or line.quantity

    def get_delivered_quantity(self, line) -> int:
        return line.quantity if line.status == "active" else 0


class FarmLinesInput(serializers.Serializer):
    to_weigh = serializers.BooleanField(required=False, default=False)


class FarmLinesApi(APIView):
    @extend_schema(
        summary="My farm's lines of a closed distribution, with their changes",
        parameters=[
            OpenApiParameter(
                "to_weigh",
                bool,
                description="true: only the lines still to weigh (`to_weigh`), to weigh them "
                "before the handover",
            )
        ],
        responses={200: FarmLineOutput(many=True)},
    )
    def get(self, request, producer_id: int, pk: int):
        producer = producer_for_member(user=request.user, producer_id=producer_id)
        data = validated(FarmLinesInput, request.query_params)
        distribution = reports.supplied_distribution(producer=producer, pk=pk)
        lines = reports.producer_lines(
            producer=producer, distribution=distribution, to_weigh=data["to_weigh"]
        )
        return Response(FarmLineOutput(lines, many=True).data)


class DeliveredInput(serializers.Serializer):
    delivered = integer_field(
        OrderLine,
        "quantity",
        min_value=0,
        max_value=MAX_QUANTITY,
        help_text="units delivered; 0 when the farm did not bring it",
    )


class DeliveredApi(APIView):
    @extend_schema(
        summary="Mark one of my farm's lines short after the close (quantity delivered)",
        description=(
            "The household gets the difference back automatically, to its card or its credit "
            "by its preference, and is e-mailed. Quantities only go down. The same quantity "
            "twice changes nothing."
        ),
        request=DeliveredInput,
        responses={
            200: FarmLineOutput,
            **refusals(
                QuantityAboveOrdered, LineNotFound, SaleNotClosed, LineNotSold, AlreadyHandedOver
            ),
        },
    )
    def post(self, request, producer_id: int, pk: int):
        producer = producer_for_member(user=request.user, producer_id=producer_id)
        data = validated(DeliveredInput, request.data)
        mark_delivered(producer=producer, line_id=pk, delivered=data["delivered"], by=request.user)
        return Response(FarmLineOutput(reports.producer_line(producer=producer, pk=pk)).data)


class WeightInput(serializers.Serializer):
    weight_g = whole_number_field(
        OrderLine,
        "weight_g",
        min_value=1,
        max_value=MAX_WEIGHT_G,
        help_text="the real weight of all the line's pieces, in whole grams (1 g to 100 kg); "
        "a product not brought at all is marked short (delivered/) instead",
    )


class WeightApi(APIView):
    @extend_schema(
        summary="Weigh one of my farm's lines sold by weight after the close (real weight)",
        description=(
            "The household pays the real weight at the estimate's price per kg, never more "
            "than its estimate plus the farm's margin (what its card was authorised for). "
            "Weigh before the handover: once no line of the order is left to weigh, its card "
            "is charged the real amount. The same weight twice changes nothing (the same "
            "answer). A weight may be corrected up or down until the order's price is final; "
            "after that only down (409 `weight_already_charged`), the difference coming back "
            "like a line delivered short."
        ),
        request=WeightInput,
        responses={
            200: FarmLineOutput,
            **refusals(
                LineNotFound,
                NotSoldByWeight,
                SaleNotClosed,
                LineNotSold,
                AlreadyHandedOver,
                WeightAlreadyCharged,
            ),
        },
    )
    def post(self, request, producer_id: int, pk: int):
        producer = producer_for_member(user=request.user, producer_id=producer_id)
        data = validated(WeightInput, request.data)
        enter_weight(producer=producer, line_id=pk, weight_g=data["weight_g"], by=request.user)
        return Response(FarmLineOutput(reports.producer_line(producer=producer, pk=pk)).data)
