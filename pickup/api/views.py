"""Pickup API: thin views — parse with ``validated``, call a service or selector, shape output.

Host and producer-member endpoints look everything up in querysets scoped to the user, so
anything of another point or producer is a 404, lists included.
"""

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import ModelBounds, validated
from common.errors import NotFound
from common.geo import AddressNotFound, GeocoderUnavailable, Point, origin_from_query, parse_lat_lng
from common.schema import refusals
from pickup import selectors, services
from pickup.api.serializers import (
    CatalogueOutput,
    DistributionOutput,
    HostPointOutput,
    PointSearchOutput,
    SupplierOutput,
)
from pickup.errors import (
    AlreadyRequested,
    DistributionTaken,
    InvalidSchedule,
    InvalidTransition,
    PickupPointNotLocated,
    ProducerNotLocated,
    TooFar,
)
from pickup.models import Distribution, PickupPoint, Supplier
from producers.api.serializers import LegalIdentityIn
from producers.selectors import producer_for_member

MAX_RADIUS_KM = 200
# Scheduling names a pickup point in the body: one that is not yours is a 404.
SCHEDULING = refusals(InvalidSchedule, NotFound, DistributionTaken)
LOCATED = (ProducerNotLocated, PickupPointNotLocated, TooFar)

# --- Public ---------------------------------------------------------------------------------


class PointSearchApi(APIView):
    """Nearest active pickup points to a position (``near``) or a place (``q``)."""

    permission_classes = [AllowAny]

    class PointSearchQuery(serializers.Serializer):
        near = serializers.CharField(
            required=False, help_text="`latitude,longitude`, e.g. `50.63,3.06`"
        )
        q = serializers.CharField(
            required=False, max_length=300, help_text="a postcode, a town or an address"
        )
        radius_km = serializers.FloatField(required=False, min_value=0.1, max_value=MAX_RADIUS_KM)
        limit = serializers.IntegerField(required=False, min_value=1, max_value=50, default=20)

        def validate_near(self, value: str) -> Point:
            try:
                return parse_lat_lng(value)
            except ValueError:
                raise serializers.ValidationError(
                    _("Expected “latitude,longitude” in degrees.")
                ) from None

        def validate(self, attrs):
            if ("near" in attrs) == bool(attrs.get("q", "").strip()):
                raise serializers.ValidationError(_("Give either a position or a place."))
            return attrs

    @extend_schema(
        parameters=[PointSearchQuery],
        responses={
            200: PointSearchOutput,
            **refusals(AddressNotFound, GeocoderUnavailable),
        },
    )
    def get(self, request):
        data = validated(self.PointSearchQuery, request.query_params)
        origin = origin_from_query(near=data.get("near"), q=data.get("q"))
        radius = data.get("radius_km") or settings.NEAREST_DEFAULT_RADIUS_KM
        points = selectors.nearest_points(
            origin=(origin.latitude, origin.longitude), radius_km=radius, limit=data["limit"]
        )
        body = {
            "origin": {
                "latitude": origin.latitude,
                "longitude": origin.longitude,
                "label": origin.label,
            },
            "radius_km": radius,
            "results": points,
        }
        return Response(PointSearchOutput(body).data)


class CatalogueApi(APIView):
    """What is on sale at a distribution: open ones for everyone, any status for its hosts."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: CatalogueOutput})
    def get(self, request, pk: int):
        # An open distribution's catalogue is public and read far more than it changes: it is
        # reused for CATALOGUE_CACHE_SECONDS (stock shown may lag that long; orders re-check).
        key = f"pickup:catalogue:{pk}"
        ttl = settings.CATALOGUE_CACHE_SECONDS
        body = cache.get(key) if ttl else None
        public = body is not None
        if body is None:
            distribution = selectors.distribution_for_viewer(user=request.user, pk=pk)
            offers = selectors.catalogue_offers(distribution=distribution)
            body = dict(CatalogueOutput({"distribution": distribution, "offers": offers}).data)
            public = distribution.status == Distribution.Status.OPEN
            if ttl and public:
                cache.set(key, body, ttl)
        response = Response(body)
        response["Cache-Control"] = f"public, max-age={ttl}" if public else "private, no-cache"
        return response


# --- Hosts: their points --------------------------------------------------------------------


class HostPointListApi(generics.ListAPIView):
    """The pickup points you host."""

    serializer_class = HostPointOutput
    filter_backends: list = []

    def get_queryset(self):
        return selectors.hosted_points(user=self.request.user).prefetch_related("hosts")


class HostPointDetailApi(APIView):
    class PickupPointChangeInput(ModelBounds, LegalIdentityIn):
        class Meta:
            model = PickupPoint

        name = serializers.CharField(required=False, max_length=150)
        description = serializers.CharField(required=False, allow_blank=True)
        address = serializers.CharField(required=False, max_length=300)
        access_instructions = serializers.CharField(required=False, allow_blank=True)
        capacity = serializers.IntegerField(required=False, min_value=1, max_value=10_000)
        cutoff_hours = serializers.IntegerField(required=False, min_value=1, max_value=14 * 24)
        opens_days = serializers.IntegerField(required=False, min_value=1, max_value=60)
        is_active = serializers.BooleanField(required=False)
        # The host's legal identity, for its commission invoices (``legal_*`` inherited).

    @extend_schema(responses={200: HostPointOutput})
    def get(self, request, pk: int):
        return Response(HostPointOutput(selectors.hosted_point(user=request.user, pk=pk)).data)

    @extend_schema(request=PickupPointChangeInput, responses={200: HostPointOutput})
    def patch(self, request, pk: int):
        point = selectors.hosted_point(user=request.user, pk=pk)
        data = validated(self.PickupPointChangeInput, request.data)
        point = services.update_pickup_point(pickup_point=point, changes=data)
        return Response(HostPointOutput(point).data)


# --- Hosts: distributions -------------------------------------------------------------------


class HostDistributionListApi(generics.ListCreateAPIView):
    """Distributions of the points you host (filter by ``pickup_point``, ``status``)."""

    serializer_class = DistributionOutput
    filterset_fields = ["pickup_point", "status"]

    class DistributionCreateInput(ModelBounds, serializers.Serializer):
        class Meta:
            model = Distribution

        pickup_point = serializers.IntegerField()
        starts_at = serializers.DateTimeField()
        ends_at = serializers.DateTimeField()
        opens_at = serializers.DateTimeField(
            required=False, help_text="default: the point's `opens_days` before the start"
        )
        cutoff_at = serializers.DateTimeField(
            required=False, help_text="default: the point's `cutoff_hours` before the start"
        )

    def get_queryset(self):
        return selectors.host_distributions(user=self.request.user)

    @extend_schema(
        request=DistributionCreateInput, responses={201: DistributionOutput, **SCHEDULING}
    )
    def post(self, request):
        data = validated(self.DistributionCreateInput, request.data)
        point = selectors.hosted_point(user=request.user, pk=data.pop("pickup_point"))
        distribution = services.schedule_distribution(pickup_point=point, **data)
        return Response(DistributionOutput(distribution).data, status=201)


class HostWeeklyDistributionsApi(APIView):
    """Schedule one distribution a week for ``weeks`` weeks (all or nothing)."""

    class WeeklyDistributionsInput(ModelBounds, serializers.Serializer):
        class Meta:
            model = Distribution

        pickup_point = serializers.IntegerField()
        weekday = serializers.IntegerField(min_value=0, max_value=6, help_text="0 = Monday")
        starts = serializers.TimeField(help_text="local time (Europe/Paris)")
        ends = serializers.TimeField(help_text="local time (Europe/Paris)")
        weeks = serializers.IntegerField(min_value=1, max_value=services.MAX_WEEKS)
        first_date = serializers.DateField(required=False, help_text="default: tomorrow")

    @extend_schema(
        request=WeeklyDistributionsInput,
        responses={201: DistributionOutput(many=True), **SCHEDULING},
    )
    def post(self, request):
        data = validated(self.WeeklyDistributionsInput, request.data)
        point = selectors.hosted_point(user=request.user, pk=data.pop("pickup_point"))
        created = services.schedule_weekly_distributions(pickup_point=point, **data)
        return Response(DistributionOutput(created, many=True).data, status=201)


class HostDistributionDetailApi(APIView):
    class DistributionTimesInput(serializers.Serializer):
        starts_at = serializers.DateTimeField(required=False)
        ends_at = serializers.DateTimeField(required=False)
        opens_at = serializers.DateTimeField(required=False)
        cutoff_at = serializers.DateTimeField(required=False)

    @extend_schema(responses={200: DistributionOutput})
    def get(self, request, pk: int):
        distribution = selectors.host_distribution(user=request.user, pk=pk)
        return Response(DistributionOutput(distribution).data)

    @extend_schema(
        request=DistributionTimesInput,
        responses={
            200: DistributionOutput,
            **refusals(InvalidSchedule, DistributionTaken, InvalidTransition),
        },
    )
    def patch(self, request, pk: int):
        distribution = selectors.host_distribution(user=request.user, pk=pk)
        data = validated(self.DistributionTimesInput, request.data)
        distribution = services.update_distribution_times(distribution=distribution, **data)
        return Response(DistributionOutput(distribution).data)


class HostDistributionStatusApi(APIView):
    """Move a distribution: scheduled → open → closed → done, or cancelled (409 otherwise)."""

    class DistributionStatusInput(serializers.Serializer):
        status = serializers.ChoiceField(choices=Distribution.Status.choices)

    @extend_schema(
        request=DistributionStatusInput,
        responses={200: DistributionOutput, **refusals(InvalidTransition)},
    )
    def post(self, request, pk: int):
        distribution = selectors.host_distribution(user=request.user, pk=pk)
        data = validated(self.DistributionStatusInput, request.data)
        distribution = services.move_distribution(distribution=distribution, to=data["status"])
        return Response(DistributionOutput(distribution).data)


class HostDistributionCancelApi(APIView):
    @extend_schema(request=None, responses={200: DistributionOutput, **refusals(InvalidTransition)})
    def post(self, request, pk: int):
        distribution = selectors.host_distribution(user=request.user, pk=pk)
        distribution = services.move_distribution(
            distribution=distribution, to=Distribution.Status.CANCELLED
        )
        return Response(DistributionOutput(distribution).data)


# --- Hosts: supply requests -----------------------------------------------------------------


class HostSupplyRequestListApi(generics.ListAPIView):
    """Farms asking to supply (or supplying) the points you host (filter by ``status``)."""

    serializer_class = SupplierOutput
    filterset_fields = ["status", "pickup_point"]

    def get_queryset(self):
        return selectors.host_supply_requests(user=self.request.user)


class HostSupplyRequestDetailApi(APIView):
    @extend_schema(responses={200: SupplierOutput})
    def get(self, request, pk: int):
        return Response(
            SupplierOutput(selectors.host_supply_request(user=request.user, pk=pk)).data
        )


class HostSupplyDecisionApi(APIView):
    approve = True

    @extend_schema(request=None, responses={200: SupplierOutput, **refusals(*LOCATED)})
    def post(self, request, pk: int):
        supplier = selectors.host_supply_request(user=request.user, pk=pk)
        supplier = services.decide_supply(
            supplier=supplier, decided_by=request.user, approve=self.approve
        )
        return Response(SupplierOutput(supplier).data)


class HostSupplyApproveApi(HostSupplyDecisionApi):
    """Approve a farm at your point (the distance limit is checked again)."""

    approve = True


class HostSupplyRefuseApi(HostSupplyDecisionApi):
    """Refuse a farm's request, or stop an approved farm from coming."""

    approve = False


# --- Producer members -----------------------------------------------------------------------


class SupplyRequestListApi(generics.ListCreateAPIView):
    """Your farms' requests to supply pickup points; POST asks to supply one."""

    serializer_class = SupplierOutput
    filterset_fields = ["status", "producer", "pickup_point"]

    class SupplyRequestInput(ModelBounds, serializers.Serializer):
        class Meta:
            model = Supplier

        producer = serializers.IntegerField(help_text="one of your farms")
        pickup_point = serializers.IntegerField()

    def get_queryset(self):
        return selectors.member_supply_requests(user=self.request.user)

    @extend_schema(
        request=SupplyRequestInput,
        responses={201: SupplierOutput, **refusals(NotFound, AlreadyRequested, *LOCATED)},
    )
    def post(self, request):
        data = validated(self.SupplyRequestInput, request.data)
        producer = producer_for_member(user=request.user, producer_id=data["producer"])
        point = selectors.public_point(pk=data["pickup_point"])
        supplier = services.request_supply(producer=producer, pickup_point=point)
        return Response(SupplierOutput(supplier).data, status=201)


class SupplyRequestDetailApi(APIView):
    @extend_schema(responses={200: SupplierOutput})
    def get(self, request, pk: int):
        supplier = selectors.member_supply_request(user=request.user, pk=pk)
        return Response(SupplierOutput(supplier).data)
