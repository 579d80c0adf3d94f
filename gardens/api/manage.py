"""Coordinators' endpoints, scoped to the gardens the person coordinates: any other garden,
and anything in it, is a 404."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import ModelBounds, validated
from common.csv import csv_response
from common.schema import refusals
from gardens import selectors, services
from gardens.api.serializers import (
    ManagedOfferOutput,
    ManagedReservationOutput,
    ManagedWaitlistEntryOutput,
    ManagedWorkDayOutput,
    OccupancyRowOutput,
    SeasonOutput,
    WorkDayOutput,
)
from gardens.api.views import SEASON_PARAM, season_of
from gardens.errors import ReservationNotActive
from gardens.exports import occupancy_csv
from gardens.models import Garden, Reservation, Season, WorkDay, WorkDaySignup


class CoordinatorApi(APIView):
    """Base of the management endpoints: scoped to the gardens the person coordinates."""

    def garden(self, request, garden_id: int) -> Garden:
        return get_object_or_404(selectors.coordinated_gardens(request.user), pk=garden_id)

    def season(self, request, garden: Garden) -> Season:
        season = season_of(garden, request.query_params.get("season"))
        if season is None:
            raise serializers.ValidationError({"season": [_("This garden has no season yet.")]})
        return season


class OccupancyApi(CoordinatorApi):
    """Every active plot with its reservation, fee and the gardener's work hours."""

    @extend_schema(parameters=[SEASON_PARAM], responses={200: OccupancyRowOutput(many=True)})
    def get(self, request, garden_id: int):
        garden = self.garden(request, garden_id)
        season = self.season(request, garden)
        plan = selectors.plan_for(garden, season)
        hours = selectors.work_hours(season)
        rows = [
            {
                "plot": row.plot,
                "state": row.state,  # a plan seen by no user: free or reserved
                "reservation": row.reservation,
                "work_hours": hours[row.reservation.gardener_id] if row.reservation else None,
            }
            for row in plan.plots
        ]
        return Response(OccupancyRowOutput(rows, many=True).data)


class ManagedWaitlistApi(CoordinatorApi):
    """The season's waiting list in order."""

    @extend_schema(
        parameters=[SEASON_PARAM], responses={200: ManagedWaitlistEntryOutput(many=True)}
    )
    def get(self, request, garden_id: int):
        season = self.season(request, self.garden(request, garden_id))
        entries = selectors.waitlist_for(season)
        return Response(ManagedWaitlistEntryOutput(entries, many=True).data)


class ManagedOffersApi(CoordinatorApi):
    """Offers in flight (open), soonest expiry first."""

    @extend_schema(parameters=[SEASON_PARAM], responses={200: ManagedOfferOutput(many=True)})
    def get(self, request, garden_id: int):
        season = self.season(request, self.garden(request, garden_id))
        return Response(ManagedOfferOutput(selectors.open_offers_for(season), many=True).data)


class SeasonCreateApi(CoordinatorApi):
    """Open a new season for the garden."""

    class SeasonCreateInput(ModelBounds, serializers.Serializer):
        class Meta:
            model = Season

        name = serializers.CharField(max_length=100)
        starts_on = serializers.DateField()
        ends_on = serializers.DateField()
        applications_open_on = serializers.DateField()
        applications_close_on = serializers.DateField()
        fee_cents = serializers.IntegerField(min_value=0, default=0)
        fee_basis = serializers.ChoiceField(
            choices=Season.FeeBasis.choices, default=Season.FeeBasis.PER_PLOT
        )
        max_plots_per_gardener = serializers.IntegerField(min_value=1, default=1)
        approval_required = serializers.BooleanField(default=False)
        required_work_hours = serializers.DecimalField(
            max_digits=5, decimal_places=1, min_value=0, default=0
        )

    @extend_schema(request=SeasonCreateInput, responses={201: SeasonOutput})
    def post(self, request, garden_id: int):
        garden = self.garden(request, garden_id)
        data = validated(self.SeasonCreateInput, request.data)
        season = services.create_season(garden=garden, **data)
        return Response(SeasonOutput(season).data, status=201)


class ManagedReservationActionApi(CoordinatorApi):
    """Approve or refuse a reservation awaiting approval, or cancel one (frees the plot)."""

    operation = ""

    @extend_schema(
        request=None, responses={200: ManagedReservationOutput, **refusals(ReservationNotActive)}
    )
    def post(self, request, garden_id: int, reservation_id: int):
        garden = self.garden(request, garden_id)
        reservation = get_object_or_404(Reservation, pk=reservation_id, plot__garden=garden)
        action = {
            "approve": services.approve_reservation,
            "refuse": services.refuse_reservation,
            "cancel": services.cancel_reservation,
        }[self.operation]
        reservation = action(reservation=reservation)
        return Response(ManagedReservationOutput(reservation).data)


class FeeApi(CoordinatorApi):
    """Record whether a reservation's fee is paid, how and when."""

    class FeeInput(ModelBounds, serializers.Serializer):
        class Meta:
            model = Reservation

        fee_paid = serializers.BooleanField()
        fee_method = serializers.ChoiceField(
            choices=Reservation.PaymentMethod.choices, required=False, allow_blank=True, default=""
        )
        fee_paid_on = serializers.DateField(required=False, allow_null=True, default=None)

    @extend_schema(request=FeeInput, responses={200: ManagedReservationOutput})
    def post(self, request, garden_id: int, reservation_id: int):
        garden = self.garden(request, garden_id)
        reservation = get_object_or_404(Reservation, pk=reservation_id, plot__garden=garden)
        data = validated(self.FeeInput, request.data)
        reservation = services.record_fee(
            reservation=reservation,
            paid=data["fee_paid"],
            method=data["fee_method"],
            paid_on=data["fee_paid_on"],
        )
        return Response(ManagedReservationOutput(reservation).data)


class ManagedWorkDaysApi(CoordinatorApi):
    """The season's work days with sign-ups; schedule a new one."""

    class WorkDayCreateInput(ModelBounds, serializers.Serializer):
        class Meta:
            model = WorkDay

        season = serializers.IntegerField()
        title = serializers.CharField(max_length=150)
        starts_at = serializers.DateTimeField()
        hours = serializers.DecimalField(max_digits=4, decimal_places=1)
        capacity = serializers.IntegerField(min_value=1)
        description = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(parameters=[SEASON_PARAM], responses={200: ManagedWorkDayOutput(many=True)})
    def get(self, request, garden_id: int):
        season = self.season(request, self.garden(request, garden_id))
        return Response(ManagedWorkDayOutput(selectors.work_days_for(season), many=True).data)

    @extend_schema(request=WorkDayCreateInput, responses={201: WorkDayOutput})
    def post(self, request, garden_id: int):
        garden = self.garden(request, garden_id)
        data = validated(self.WorkDayCreateInput, request.data)
        season = get_object_or_404(Season, pk=data.pop("season"), garden=garden)
        work_day = services.schedule_work_day(season=season, **data)
        work_day.signed_up = 0
        return Response(WorkDayOutput(work_day).data, status=201)


class AttendanceApi(CoordinatorApi):
    """Record whether a signed-up gardener came to a work day, and for how long."""

    class AttendanceInput(ModelBounds, serializers.Serializer):
        class Meta:
            model = WorkDaySignup

        gardener = serializers.IntegerField()
        attended = serializers.BooleanField()
        hours = serializers.DecimalField(
            max_digits=4, decimal_places=1, required=False, allow_null=True, default=None
        )

    @extend_schema(request=AttendanceInput, responses={200: ManagedWorkDayOutput})
    def post(self, request, garden_id: int, work_day_id: int):
        garden = self.garden(request, garden_id)
        work_day = get_object_or_404(WorkDay, pk=work_day_id, garden=garden)
        data = validated(self.AttendanceInput, request.data)
        signup = get_object_or_404(work_day.signups, gardener_id=data["gardener"])
        services.record_attendance(signup=signup, attended=data["attended"], hours=data["hours"])
        refreshed = next(w for w in selectors.work_days_for(work_day.season) if w.pk == work_day.pk)
        return Response(ManagedWorkDayOutput(refreshed).data)


class ExportApi(CoordinatorApi):
    """Occupancy, fees and work hours of a season as CSV."""

    @extend_schema(parameters=[SEASON_PARAM], responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request, garden_id: int):
        garden = self.garden(request, garden_id)
        season = self.season(request, garden)
        return csv_response(occupancy_csv(season), f"{garden.slug}-{season.pk}-occupation.csv")
