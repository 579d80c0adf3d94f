"""Thin views: parse with ``validated``, call a service or selector, shape the answer.

Public reads and gardeners' actions; gardeners act on their own reservations, entries and offers
only (anyone else's are 404). Coordinators' endpoints are in ``manage.py``.
"""

from django.conf import settings
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import ModelBounds, integer_field, validated
from common.geo import AddressNotFound, GeocoderUnavailable, parse_lat_lng
from common.schema import refusals
from gardens import selectors, services
from gardens.api.serializers import (
    GardenDetailOutput,
    GardenSummaryOutput,
    MyGardeningOutput,
    OfferOutput,
    ReservationOutput,
    WaitlistEntryOutput,
    WorkDayOutput,
)
from gardens.errors import (
    AlreadyWaiting,
    ApplicationsClosed,
    LimitReached,
    NotAGardener,
    OfferClosed,
    PlotTaken,
    ReservationNotActive,
    WorkDayFull,
    WorkDayOver,
)
from gardens.models import Garden, Offer, Reservation, Season, WaitlistEntry, WorkDay


class SeasonQuery(serializers.Serializer):
    season = integer_field(
        Season,
        required=False,
        help_text="Season id (default: the garden's current season)",
        error_messages={"invalid": _("A valid season id.")},
    )


SEASON_PARAM = SeasonQuery


def season_of(garden: Garden, season_id) -> Season | None:
    """The requested season of this garden (404 when it is another garden's), or the current."""
    if season_id not in (None, ""):
        season_id = validated(SeasonQuery, {"season": season_id})["season"]
        return get_object_or_404(Season, pk=season_id, garden=garden)
    return selectors.current_season(selectors.seasons_of(garden), timezone.localdate())


class GardenListApi(APIView):
    """Active gardens; near a point (``near=lat,lng``) or an address (``q=``), closest first."""

    permission_classes = [AllowAny]

    class GardenSearchQuery(serializers.Serializer):
        near = serializers.CharField(required=False)
        q = serializers.CharField(required=False, max_length=300)
        radius_km = serializers.IntegerField(required=False, min_value=1, max_value=200)

        def validate_near(self, value):
            try:
                return parse_lat_lng(value)
            except ValueError:
                raise serializers.ValidationError(_("Expected latitude,longitude.")) from None

    @extend_schema(
        parameters=[GardenSearchQuery],
        responses={
            200: GardenSummaryOutput(many=True),
            **refusals(AddressNotFound, GeocoderUnavailable),
        },
    )
    def get(self, request):
        data = validated(self.GardenSearchQuery, request.query_params)
        radius = data.get("radius_km", settings.NEAREST_DEFAULT_RADIUS_KM)
        gardens = selectors.search_gardens(near=data.get("near"), q=data.get("q"), radius_km=radius)
        return Response(GardenSummaryOutput(gardens, many=True).data)


class GardenDetailApi(APIView):
    """A garden, its seasons and its plots with their state for a season."""

    permission_classes = [AllowAny]

    @extend_schema(parameters=[SEASON_PARAM], responses={200: GardenDetailOutput})
    def get(self, request, garden_id: int):
        garden = get_object_or_404(selectors.active_gardens(), pk=garden_id)
        seasons = selectors.seasons_of(garden)
        season = season_of(garden, request.query_params.get("season"))
        garden.season_list, garden.selected_season = seasons, season
        garden.plan_rows = selectors.plan_for(garden, season, request.user).plots
        return Response(GardenDetailOutput(garden).data)


class ReservationCreateApi(APIView):
    """Reserve a free plot for a season (409 ``plot_taken``, ``limit_reached``,
    ``applications_closed``)."""

    class ReservationCreateInput(ModelBounds, serializers.Serializer):
        class Meta:
            model = Reservation

        plot = serializers.IntegerField()
        season = serializers.IntegerField()

    @extend_schema(
        request=ReservationCreateInput,
        responses={
            201: ReservationOutput,
            **refusals(PlotTaken, LimitReached, ApplicationsClosed),
        },
    )
    def post(self, request, garden_id: int):
        garden = get_object_or_404(selectors.active_gardens(), pk=garden_id)
        data = validated(self.ReservationCreateInput, request.data)
        season = Season.objects.filter(pk=data["season"], garden=garden).first()
        plot = garden.plots.filter(pk=data["plot"]).first()
        if season is None or plot is None:
            raise serializers.ValidationError(
                {"plot": [_("Choose a plot and a season of this garden.")]}
            )
        reservation = services.reserve_plot(gardener=request.user, plot=plot, season=season)
        return Response(ReservationOutput(reservation).data, status=201)


class ReservationCancelApi(APIView):
    """Give back one's own plot; it is offered to the waiting list."""

    @extend_schema(
        request=None, responses={200: ReservationOutput, **refusals(ReservationNotActive)}
    )
    def post(self, request, reservation_id: int):
        reservation = get_object_or_404(Reservation, pk=reservation_id, gardener=request.user)
        reservation = services.cancel_reservation(reservation=reservation)
        return Response(ReservationOutput(reservation).data)


class WaitlistJoinApi(APIView):
    """Join a season's waiting list with preferences; answers with one's position."""

    class WaitlistJoinInput(ModelBounds, serializers.Serializer):
        class Meta:
            model = WaitlistEntry

        season = serializers.IntegerField()
        min_area_m2 = serializers.IntegerField(required=False, min_value=0, default=0)
        needs_water_point = serializers.BooleanField(required=False, default=False)
        needs_raised_bed = serializers.BooleanField(required=False, default=False)
        needs_accessible = serializers.BooleanField(required=False, default=False)
        needs_shed = serializers.BooleanField(required=False, default=False)

    @extend_schema(
        request=WaitlistJoinInput,
        responses={201: WaitlistEntryOutput, **refusals(ApplicationsClosed, AlreadyWaiting)},
    )
    def post(self, request, garden_id: int):
        garden = get_object_or_404(selectors.active_gardens(), pk=garden_id)
        data = validated(self.WaitlistJoinInput, request.data)
        season = Season.objects.filter(pk=data.pop("season"), garden=garden).first()
        if season is None:
            raise serializers.ValidationError({"season": [_("Choose a season of this garden.")]})
        entry = services.join_waitlist(gardener=request.user, season=season, **data)
        entry.position = selectors.waitlist_position(entry)
        return Response(WaitlistEntryOutput(entry).data, status=201)


class WaitlistLeaveApi(APIView):
    """Leave the waiting list (an open offer is withdrawn and passed on): the entry, now
    ``left``, with no position. Leaving twice answers the same."""

    @extend_schema(request=None, responses={200: WaitlistEntryOutput})
    def post(self, request, entry_id: int):
        entry = get_object_or_404(WaitlistEntry, pk=entry_id, gardener=request.user)
        entry = services.leave_waitlist(entry=entry)
        entry.position = None  # out of the line now (left, or satisfied before)
        return Response(WaitlistEntryOutput(entry).data)


class OfferAcceptApi(APIView):
    """Accept a plot offered to you: it becomes your reservation (409 ``offer_closed``)."""

    @extend_schema(
        request=None,
        responses={201: ReservationOutput, **refusals(OfferClosed, LimitReached, PlotTaken)},
    )
    def post(self, request, offer_id: int):
        offer = get_object_or_404(
            Offer.objects.select_related("entry__gardener", "plot", "season"),
            pk=offer_id,
            entry__gardener=request.user,
        )
        reservation = services.accept_offer(offer=offer)
        return Response(ReservationOutput(reservation).data, status=201)


class OfferDeclineApi(APIView):
    """Decline a plot offered to you: it goes to the next in line."""

    @extend_schema(request=None, responses={200: OfferOutput, **refusals(OfferClosed)})
    def post(self, request, offer_id: int):
        offer = get_object_or_404(
            Offer.objects.select_related("plot", "season"),
            pk=offer_id,
            entry__gardener=request.user,
        )
        offer = services.decline_offer(offer=offer)
        return Response(OfferOutput(offer).data)


class WorkDaySignupApi(APIView):
    """Sign up for a work day of a season you garden in (409 ``work_day_full``), or withdraw."""

    @extend_schema(
        request=None,
        responses={201: WorkDayOutput, **refusals(WorkDayOver, NotAGardener, WorkDayFull)},
    )
    def post(self, request, work_day_id: int):
        work_day = get_object_or_404(WorkDay, pk=work_day_id)
        services.sign_up_for_work_day(gardener=request.user, work_day=work_day)
        return Response(WorkDayOutput(self._counted(work_day_id)).data, status=201)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, work_day_id: int):
        work_day = get_object_or_404(WorkDay, pk=work_day_id, signups__gardener=request.user)
        services.cancel_work_day_signup(gardener=request.user, work_day=work_day)
        return Response(status=204)

    @staticmethod
    def _counted(work_day_id: int) -> WorkDay:
        return WorkDay.objects.annotate(signed_up=Count("signups")).get(pk=work_day_id)


class MyGardeningApi(APIView):
    """My plots, my waiting-list places (with position), offers to answer, my work days."""

    @extend_schema(responses={200: MyGardeningOutput})
    def get(self, request):
        return Response(MyGardeningOutput(selectors.my_gardening(request.user)).data)
