"""Distribution-day API: packing lists, handover, picking totals, statements (JSON or CSV with
``?format=csv``). Thin views: look up within the caller's scope (a host's own distributions, a
producer member's own farm), call a report or a service, shape the answer. Anything outside
the scope is a 404."""

from __future__ import annotations

from datetime import date

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import renderers, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import validated
from common.csv import csv_response
from common.schema import refusals
from handover import exports, reports, services
from handover.errors import DistributionNotCancellable, NotCollectable, UndoExpired
from orders.models import Order
from payments.errors import PaymentUnavailable
from producers.selectors import producer_for_member


class CSVRenderer(renderers.BaseRenderer):
    """Accepts ``?format=csv``; the view then answers with ``common.csv.csv_response``."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, str) else ""


RENDERERS = [renderers.JSONRenderer, CSVRenderer]
FORMAT = OpenApiParameter("format", str, enum=["json", "csv"], description="csv for a download")


def _wants_csv(request) -> bool:
    return getattr(request.accepted_renderer, "format", "") == "csv"


class LineOutput(serializers.Serializer):
    product_name = serializers.CharField()
    quantity = serializers.IntegerField()
    total_cents = serializers.IntegerField()


class FarmOutput(serializers.Serializer):
    producer_name = serializers.CharField()
    lines = LineOutput(many=True)


class CollectionOutput(serializers.Serializer):
    """A household's collection: all its sold orders at the distribution, one pickup code."""

    order = serializers.IntegerField(
        source="order_id", help_text="first order; the collected/ endpoints take any of them"
    )
    orders = serializers.ListField(child=serializers.IntegerField(), source="order_ids")
    household = serializers.CharField()
    pickup_code = serializers.CharField()
    status = serializers.CharField()
    collected_at = serializers.DateTimeField(allow_null=True)
    household_no_shows = serializers.IntegerField(help_text="collections missed before")
    farms = FarmOutput(many=True)
    total_cents = serializers.IntegerField()


class PickingLineOutput(LineOutput):
    unit_price_cents = serializers.IntegerField()


class PointPickingOutput(serializers.Serializer):
    distribution = serializers.IntegerField(source="distribution.pk")
    pickup_point = serializers.CharField(source="distribution.pickup_point.name")
    starts_at = serializers.DateTimeField(source="distribution.starts_at")
    lines = PickingLineOutput(many=True)
    quantity = serializers.IntegerField()
    total_cents = serializers.IntegerField()


class StatementOutput(serializers.Serializer):
    sales_cents = serializers.IntegerField()
    host_cents = serializers.IntegerField()
    platform_cents = serializers.IntegerField()
    producer_cents = serializers.IntegerField()
    lines = serializers.IntegerField()


class HandoverOutput(serializers.Serializer):
    """Counts are households (collections), not orders."""

    total = serializers.IntegerField()
    collected = serializers.IntegerField()
    left = serializers.IntegerField()
    no_shows = serializers.IntegerField()
    collections = CollectionOutput(many=True)


class CancelledOutput(serializers.Serializer):
    cancelled_orders = serializers.IntegerField()


# --- Hosts ---------------------------------------------------------------------------------------


class PackingListApi(APIView):
    renderer_classes = RENDERERS

    @extend_schema(
        summary="Packing list of a distribution I host",
        parameters=[FORMAT],
        responses={200: CollectionOutput(many=True)},
    )
    def get(self, request, pk: int):
        distribution = reports.hosted_distribution(user=request.user, pk=pk)
        blocks = reports.packing_list(distribution=distribution)
        if _wants_csv(request):
            return csv_response(exports.packing_csv(blocks), exports.packing_filename(distribution))
        return Response(CollectionOutput(blocks, many=True).data)


class HandoverApi(APIView):
    class Input(serializers.Serializer):
        q = serializers.CharField(required=False, allow_blank=True, max_length=100)

    @extend_schema(
        summary="Households' collections to hand over (search by name or pickup code), counts",
        parameters=[OpenApiParameter("q", str, description="name, e-mail or pickup code")],
        responses={200: HandoverOutput},
    )
    def get(self, request, pk: int):
        data = validated(self.Input, request.query_params)
        distribution = reports.hosted_distribution(user=request.user, pk=pk)
        counts = reports.handover_counts(distribution=distribution)
        found = reports.handover_collections(distribution=distribution, search=data.get("q", ""))
        return Response(HandoverOutput({**counts, "collections": found[:200]}).data)


class DistributionCancelApi(APIView):
    @extend_schema(
        summary=(
            "Cancel a distribution I host: every order cancelled and given back in full "
            "(card refunded, basket weeks and credit credited)"
        ),
        request=None,
        responses={
            200: CancelledOutput,
            **refusals(DistributionNotCancellable, PaymentUnavailable),
        },
    )
    def post(self, request, pk: int):
        distribution = reports.hosted_distribution(user=request.user, pk=pk)
        cancelled = services.cancel_distribution(distribution=distribution, by=request.user)
        return Response(CancelledOutput({"cancelled_orders": cancelled}).data)


class CollectedApi(APIView):
    @extend_schema(
        summary="Mark collected: the order and the household's other orders at that distribution",
        request=None,
        responses={200: CollectionOutput, **refusals(NotCollectable)},
    )
    def post(self, request, pk: int):
        order = reports.hosted_order(user=request.user, pk=pk)
        order = services.mark_collected(order=order, by=request.user)
        return Response(CollectionOutput(_collection(order)).data)

    @extend_schema(
        summary="Undo a handover, for the whole collection (within a minute)",
        responses={200: CollectionOutput, **refusals(UndoExpired, NotCollectable)},
    )
    def delete(self, request, pk: int):
        order = reports.hosted_order(user=request.user, pk=pk)
        order = services.undo_collected(order=order, by=request.user)
        return Response(CollectionOutput(_collection(order)).data)


def _collection(order: Order) -> reports.PackingCollection:
    """The order's collection, as the handover shows it; an order not sold has none (409)."""
    block = reports.collection_of(order=order)
    if block is None:
        raise NotCollectable()
    return block


# --- Producers -----------------------------------------------------------------------------------


class PickingApi(APIView):
    renderer_classes = RENDERERS

    @extend_schema(
        summary="My farm's picking totals for a closed distribution",
        parameters=[FORMAT],
        responses={200: PointPickingOutput(many=True)},
    )
    def get(self, request, producer_id: int, pk: int):
        producer = producer_for_member(user=request.user, producer_id=producer_id)
        distribution = reports.supplied_distribution(producer=producer, pk=pk)
        pickings = reports.producer_picking(producer=producer, distributions=[distribution])
        if _wants_csv(request):
            name = exports.picking_filename(producer, distribution)
            return csv_response(exports.picking_csv(pickings), name)
        return Response(PointPickingOutput(pickings, many=True).data)


class WeekPickingApi(APIView):
    renderer_classes = RENDERERS

    @extend_schema(
        summary="My farm's picking totals for a week, per pickup point",
        parameters=[FORMAT],
        responses={200: PointPickingOutput(many=True)},
    )
    def get(self, request, producer_id: int, week: str):
        producer = producer_for_member(user=request.user, producer_id=producer_id)
        try:
            monday = date.fromisoformat(week)
        except ValueError:
            raise Http404 from None
        distributions = reports.week_distributions(producer=producer, week=monday)
        pickings = reports.producer_picking(producer=producer, distributions=distributions)
        if _wants_csv(request):
            name = exports.week_picking_filename(producer, monday)
            return csv_response(exports.picking_csv(pickings), name)
        return Response(PointPickingOutput(pickings, many=True).data)


class StatementApi(APIView):
    @extend_schema(
        summary="My farm's statement for a distribution: sales and shares",
        responses={200: StatementOutput},
    )
    def get(self, request, producer_id: int, pk: int):
        producer = producer_for_member(user=request.user, producer_id=producer_id)
        distribution = reports.supplied_distribution(producer=producer, pk=pk)
        statement = reports.producer_statement(producer=producer, distribution=distribution)
        return Response(StatementOutput(statement).data)
