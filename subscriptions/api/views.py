"""Subscriptions and credit API: thin views — parse with ``validated``, call a service, shape
the answer. Households reach only their own subscriptions and ledger; producer members only
their farms' seasons (anything else is a 404)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import BoundedModelSerializer, ModelBounds, validated
from common.errors import NotFound
from common.schema import refusals
from orders.api.views import PAY_REFUSALS
from pickup.models import PickupPoint
from producers.selectors import producer_for_member, product_of
from subscriptions import selectors, services
from subscriptions.errors import (
    AlreadySubscribed,
    BasketSoldOut,
    SeasonFull,
    SkipCreditSpent,
    SkipInPause,
    SkipLimitReached,
    SkipTooLate,
    SubscriptionNotActive,
    UnskipTooLate,
)
from subscriptions.models import BasketSeason, Subscription, SubscriptionWaitlistEntry

# The seasons and pickup points named in a body are looked up: unknown ones are a 404.
SUBSCRIBE_REFUSALS = refusals(NotFound, AlreadySubscribed, SeasonFull)
SKIP_REFUSALS = refusals(SkipTooLate, SkipLimitReached, SubscriptionNotActive)
UNSKIP_REFUSALS = refusals(
    UnskipTooLate, SkipInPause, SkipCreditSpent, BasketSoldOut, SubscriptionNotActive
)

# The season's payment endpoint (SubscriptionPayApi) still documents its refusals this way.
ERRORS = {
    400: OpenApiResponse(description="invalid"),
    404: OpenApiResponse(description="not_found"),
    409: OpenApiResponse(
        description="season_full, already_subscribed, skip_limit_reached, skip_too_late, ..."
    ),
}


class BasketSeasonOutput(BoundedModelSerializer):
    product = serializers.CharField(source="product.name")
    producer = serializers.CharField(source="product.producer.name")
    pickup_points = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    places_left = serializers.SerializerMethodField()

    class Meta:
        model = BasketSeason
        fields = [
            "id",
            "product",
            "producer",
            "starts_on",
            "ends_on",
            "pickup_points",
            "price_cents",
            "max_subscribers",
            "max_skips",
            "skip_deadline_hours",
            "places_left",
        ]

    def get_places_left(self, season) -> int:
        live = getattr(season, "live_count", None)
        if live is None:
            return services.places_left(season)
        return max(season.max_subscribers - live, 0)


class SubscriptionOutput(BoundedModelSerializer):
    season = serializers.IntegerField(source="season_id")
    pickup_point = serializers.IntegerField(source="pickup_point_id")
    skipped_weeks = serializers.SerializerMethodField()

    class Meta:
        model = Subscription
        fields = [
            "id",
            "season",
            "pickup_point",
            "status",
            "first_week",
            "weeks_paid",
            "price_cents",
            "total_cents",
            "credit_used_cents",
            "card_cents",
            "skipped_weeks",
            "created_at",
        ]

    def get_skipped_weeks(self, subscription) -> list[str]:
        return [skip.week.isoformat() for skip in subscription.skips.all()]


class WaitlistOutput(BoundedModelSerializer):
    class Meta:
        model = SubscriptionWaitlistEntry
        fields = ["id", "season", "pickup_point", "status", "offer_expires_at", "created_at"]


class SubscribeInput(ModelBounds, serializers.Serializer):
    class Meta:
        model = Subscription

    season = serializers.IntegerField(min_value=1)
    pickup_point = serializers.IntegerField(min_value=1)


class PayInput(serializers.Serializer):
    payment_method = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=255,
        help_text="pm_… of a saved card (GET /api/v1/cards/) or from stripe.confirmCardSetup; "
        "empty: the card used last.",
    )


class SkipInput(serializers.Serializer):
    week = serializers.DateField()


class PauseInput(serializers.Serializer):
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


def _point(pk: int) -> PickupPoint:
    return get_object_or_404(PickupPoint.objects.filter(is_active=True), pk=pk)


class SeasonListApi(ListAPIView):
    """Basket seasons open to subscription."""

    serializer_class = BasketSeasonOutput

    def get_queryset(self):
        return selectors.open_seasons()


class SubscriptionListCreateApi(ListAPIView):
    serializer_class = SubscriptionOutput

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Subscription.objects.none()
        return selectors.household_subscriptions(user=self.request.user)

    @extend_schema(
        request=SubscribeInput, responses={201: SubscriptionOutput, **SUBSCRIBE_REFUSALS}
    )
    def post(self, request):
        """Subscribe (credit pays first); a subscription still ``pending`` is paid with
        ``…/pay/``."""
        data = validated(SubscribeInput, request.data)
        subscription = services.subscribe(
            household=request.user,
            season=selectors.open_season(pk=data["season"]),
            pickup_point=_point(data["pickup_point"]),
        )
        return Response(SubscriptionOutput(subscription).data, status=201)


class SubscriptionDetailApi(APIView):
    @extend_schema(responses={200: SubscriptionOutput})
    def get(self, request, pk: int):
        subscription = selectors.household_subscription(user=request.user, pk=pk)
        return Response(SubscriptionOutput(subscription).data)


class SubscriptionPayOutput(SubscriptionOutput):
    """The subscription after a pay, with what Stripe said of its PaymentIntent."""

    payment_status = serializers.SerializerMethodField(
        help_text="The PaymentIntent's status: `requires_action` asks for 3-D Secure."
    )
    client_secret = serializers.SerializerMethodField(
        help_text="For `stripe.confirmCardPayment` when `payment_status` is `requires_action`."
    )

    class Meta(SubscriptionOutput.Meta):
        fields = [*SubscriptionOutput.Meta.fields, "payment_status", "client_secret"]

    def get_payment_status(self, subscription) -> str:
        return self.context["result"].status

    def get_client_secret(self, subscription) -> str:
        return self.context["result"].client_secret


class SubscriptionPayApi(APIView):
    @extend_schema(request=PayInput, responses={200: SubscriptionPayOutput, **PAY_REFUSALS})
    def post(self, request, pk: int):
        """Pay the season's rest by card (saved card when ``payment_method`` is empty). One
        live payment attempt per subscription: pays made at once share it."""
        subscription = selectors.household_subscription(user=request.user, pk=pk)
        data = validated(PayInput, request.data)
        result = services.pay_subscription(
            subscription=subscription, payment_method=data.get("payment_method", "")
        )
        return Response(SubscriptionPayOutput(result.subscription, context={"result": result}).data)


class SubscriptionSkipApi(APIView):
    @extend_schema(request=SkipInput, responses={200: SubscriptionOutput, **SKIP_REFUSALS})
    def post(self, request, pk: int):
        """Skip a week (before its deadline, within the season's limit): it becomes credit."""
        subscription = selectors.household_subscription(user=request.user, pk=pk)
        data = validated(SkipInput, request.data)
        services.skip_week(subscription=subscription, week=data["week"])
        return Response(
            SubscriptionOutput(selectors.household_subscription(user=request.user, pk=pk)).data
        )


class SubscriptionUnskipApi(APIView):
    @extend_schema(request=SkipInput, responses={200: SubscriptionOutput, **UNSKIP_REFUSALS})
    def post(self, request, pk: int):
        """Undo the skip of a week (before its deadline, while the credit it gave is still
        there): the basket comes back, its price leaves the credit. A week of a pause is
        refused; a week not skipped is left as it is (200, the same answer)."""
        subscription = selectors.household_subscription(user=request.user, pk=pk)
        data = validated(SkipInput, request.data)
        services.unskip_week(subscription=subscription, week=data["week"])
        return Response(
            SubscriptionOutput(selectors.household_subscription(user=request.user, pk=pk)).data
        )


class SubscriptionPauseApi(APIView):
    @extend_schema(request=PauseInput, responses={200: SubscriptionOutput, **SKIP_REFUSALS})
    def post(self, request, pk: int):
        """Pause between two dates: each week inside is a skip (all or nothing)."""
        subscription = selectors.household_subscription(user=request.user, pk=pk)
        data = validated(PauseInput, request.data)
        services.pause_subscription(
            subscription=subscription, starts_on=data["starts_on"], ends_on=data["ends_on"]
        )
        return Response(
            SubscriptionOutput(selectors.household_subscription(user=request.user, pk=pk)).data
        )


class SubscriptionCancelApi(APIView):
    @extend_schema(request=None, responses={200: SubscriptionOutput})
    def post(self, request, pk: int):
        """Cancel: weeks not yet delivered become credit; the place goes to the waiting list."""
        subscription = selectors.household_subscription(user=request.user, pk=pk)
        services.cancel_subscription(subscription=subscription)
        return Response(
            SubscriptionOutput(selectors.household_subscription(user=request.user, pk=pk)).data
        )


class WaitlistJoinApi(APIView):
    @extend_schema(
        request=SubscribeInput,
        responses={201: WaitlistOutput, **refusals(NotFound, AlreadySubscribed)},
    )
    def post(self, request):
        """Join a full season's waiting list."""
        data = validated(SubscribeInput, request.data)
        entry = services.join_waitlist(
            household=request.user,
            season=selectors.open_season(pk=data["season"]),
            pickup_point=_point(data["pickup_point"]),
        )
        return Response(WaitlistOutput(entry).data, status=201)


# --- Producers ------------------------------------------------------------------------------


class BasketSeasonCreateInput(ModelBounds, serializers.Serializer):
    class Meta:
        model = BasketSeason

    product = serializers.IntegerField(min_value=1)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    pickup_points = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=False, max_length=50
    )
    price_cents = serializers.IntegerField(min_value=1)
    max_subscribers = serializers.IntegerField(min_value=1, max_value=10_000)
    max_skips = serializers.IntegerField(min_value=0, max_value=52, default=4)
    skip_deadline_hours = serializers.IntegerField(min_value=0, max_value=24 * 14, default=24)


class WeekCountOutput(serializers.Serializer):
    week = serializers.DateField()
    point = serializers.CharField()
    baskets = serializers.IntegerField()
    skipped = serializers.IntegerField()


class BasketSeasonCountsOutput(serializers.Serializer):
    weeks = WeekCountOutput(many=True)
    waiting = serializers.IntegerField()


class ProducerSeasonListCreateApi(ListAPIView):
    serializer_class = BasketSeasonOutput

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return BasketSeason.objects.none()
        producer = producer_for_member(user=self.request.user, producer_id=self.kwargs["producer"])
        return selectors.producer_seasons(producer=producer)

    @extend_schema(request=BasketSeasonCreateInput, responses={201: BasketSeasonOutput})
    def post(self, request, producer: int):
        farm = producer_for_member(user=request.user, producer_id=producer)
        data = validated(BasketSeasonCreateInput, request.data)
        points = list(PickupPoint.objects.filter(pk__in=data.pop("pickup_points")))
        season = services.create_season(
            product=product_of(producer=farm, product_id=data.pop("product")),
            pickup_points=points,
            **data,
        )
        return Response(BasketSeasonOutput(season).data, status=201)


class ProducerSeasonCountsApi(APIView):
    @extend_schema(responses={200: BasketSeasonCountsOutput})
    def get(self, request, producer: int, pk: int):
        """Baskets to harvest per pickup point and week, skips, and the waiting list."""
        farm = producer_for_member(user=request.user, producer_id=producer)
        counts = selectors.season_counts(season=selectors.producer_season(producer=farm, pk=pk))
        return Response(BasketSeasonCountsOutput(counts).data)
