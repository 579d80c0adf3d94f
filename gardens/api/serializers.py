"""Output shapes of the gardens API (inputs live next to their views)."""

from rest_framework import serializers

from common.api import BoundedModelSerializer
from gardens.models import Garden, Offer, Plot, Reservation, Season, WaitlistEntry, WorkDay


class SeasonOutput(BoundedModelSerializer):
    class Meta:
        model = Season
        fields = [
            "id",
            "name",
            "starts_on",
            "ends_on",
            "applications_open_on",
            "applications_close_on",
            "fee_cents",
            "fee_basis",
            "max_plots_per_gardener",
            "approval_required",
            "required_work_hours",
        ]


class GardenSummaryOutput(BoundedModelSerializer):
    distance_km = serializers.FloatField(read_only=True, required=False, allow_null=True)

    class Meta:
        model = Garden
        fields = ["id", "name", "slug", "address", "latitude", "longitude", "distance_km"]


class PlotFields(BoundedModelSerializer):
    class Meta:
        model = Plot
        fields = [
            "id",
            "code",
            "area_m2",
            "has_water_point",
            "is_raised_bed",
            "is_accessible",
            "has_shed",
            "x_m",
            "y_m",
            "width_m",
            "height_m",
        ]


class PlotOnPlanOutput(serializers.Serializer):
    plot = PlotFields()
    state = serializers.ChoiceField(choices=["free", "reserved", "yours"])


class GardenDetailOutput(GardenSummaryOutput):
    seasons = SeasonOutput(many=True, source="season_list")
    season = SeasonOutput(allow_null=True, source="selected_season")
    plots = PlotOnPlanOutput(many=True, source="plan_rows")

    class Meta(GardenSummaryOutput.Meta):
        fields = [
            *GardenSummaryOutput.Meta.fields,
            "description",
            "rules",
            "plan_width_m",
            "plan_height_m",
            "seasons",
            "season",
            "plots",
        ]


class GardenerOutput(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    email = serializers.EmailField()


class ReservationOutput(BoundedModelSerializer):
    status = serializers.CharField(
        read_only=True, help_text="pending (awaiting approval), reserved, refused or cancelled"
    )
    garden = serializers.IntegerField(source="plot.garden_id")
    plot_code = serializers.CharField(source="plot.code")

    class Meta:
        model = Reservation
        fields = [
            "id",
            "garden",
            "season",
            "plot",
            "plot_code",
            "status",
            "fee_cents",
            "fee_paid",
            "fee_method",
            "fee_paid_on",
            "created_at",
        ]


class ManagedReservationOutput(ReservationOutput):
    gardener = GardenerOutput()

    class Meta(ReservationOutput.Meta):
        fields = [*ReservationOutput.Meta.fields, "gardener"]


class OfferOutput(BoundedModelSerializer):
    status = serializers.CharField(
        read_only=True, help_text="open, accepted, declined, expired or withdrawn"
    )
    plot_code = serializers.CharField(source="plot.code")
    garden = serializers.IntegerField(source="plot.garden_id")

    class Meta:
        model = Offer
        fields = ["id", "garden", "season", "plot", "plot_code", "status", "expires_at"]


class ManagedOfferOutput(OfferOutput):
    gardener = GardenerOutput(source="entry.gardener")

    class Meta(OfferOutput.Meta):
        fields = [*OfferOutput.Meta.fields, "gardener"]


class WaitlistEntryOutput(BoundedModelSerializer):
    status = serializers.CharField(
        read_only=True, help_text="waiting, offered (an offer awaits an answer), satisfied or left"
    )
    position = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="Place in line (1 = next); null once the entry has left the line.",
    )

    class Meta:
        model = WaitlistEntry
        fields = [
            "id",
            "season",
            "status",
            "position",
            "min_area_m2",
            "needs_water_point",
            "needs_raised_bed",
            "needs_accessible",
            "needs_shed",
            "created_at",
        ]


class ManagedWaitlistEntryOutput(WaitlistEntryOutput):
    gardener = GardenerOutput()

    class Meta(WaitlistEntryOutput.Meta):
        fields = [*WaitlistEntryOutput.Meta.fields, "gardener"]


class WorkDayOutput(BoundedModelSerializer):
    signed_up = serializers.IntegerField(read_only=True)

    class Meta:
        model = WorkDay
        fields = [
            "id",
            "garden",
            "season",
            "title",
            "starts_at",
            "hours",
            "capacity",
            "signed_up",
            "description",
        ]


class SignupOutput(serializers.Serializer):
    gardener = GardenerOutput()
    attended = serializers.BooleanField(allow_null=True)
    hours = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)


class ManagedWorkDayOutput(WorkDayOutput):
    signups = SignupOutput(many=True)

    class Meta(WorkDayOutput.Meta):
        fields = [*WorkDayOutput.Meta.fields, "signups"]


class OccupancyRowOutput(serializers.Serializer):
    plot = PlotFields()
    state = serializers.ChoiceField(choices=["free", "reserved"])
    reservation = ManagedReservationOutput(allow_null=True)
    work_hours = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)


class MyGardeningOutput(serializers.Serializer):
    reservations = ReservationOutput(many=True)
    waitlist = WaitlistEntryOutput(many=True, source="entries")
    offers = OfferOutput(many=True)
    work_days = WorkDayOutput(many=True)
