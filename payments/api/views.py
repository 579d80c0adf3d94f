"""The household's money through the API: its credit (balance and latest movements), top-ups
by card, credit given back to the card, and its saved cards (list, remove)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import BoundedModelSerializer, validated
from common.schema import refusals
from payments import selectors
from payments.errors import (
    CardDeclined,
    CardInUse,
    CardNotFound,
    InvalidPaymentMethod,
    NothingRefundable,
    PaymentInProgress,
    PaymentRejected,
    PaymentUnavailable,
    TopupAmountOutOfRange,
    WithdrawalExceedsCredit,
)
from payments.models import CreditEntry, SavedCard, Topup
from payments.services import cards, customers, topups, withdrawals

# Top-ups stay far below the column (a PositiveIntegerField); the settings bound them further.
TOPUP_CEILING_CENTS = 10_000_000


class CreditEntryOutput(BoundedModelSerializer):
    label = serializers.CharField(
        read_only=True, help_text="The movement in words, in the language of the request."
    )

    class Meta:
        model = CreditEntry
        fields = ["id", "amount_cents", "reason", "reference", "label", "created_at"]


class LedgerOutput(serializers.Serializer):
    balance_cents = serializers.IntegerField()
    entries = CreditEntryOutput(many=True)


class CreditApi(APIView):
    @extend_schema(responses={200: LedgerOutput})
    def get(self, request):
        """The household's credit balance (the sum of its ledger) and latest movements."""
        return Response(LedgerOutput(selectors.credit_ledger(user=request.user)).data)


class SavedCardOutput(BoundedModelSerializer):
    payment_method = serializers.CharField(
        source="payment_method_id", help_text="Send it as `payment_method` to pay with this card."
    )

    class Meta:
        model = SavedCard
        fields = ["id", "brand", "last4", "payment_method", "saved_at", "last_used_at"]


class CardListApi(APIView):
    @extend_schema(
        summary="My saved cards, the one used last first",
        description="Only cards that have paid once are saved (a declined card never is). "
        "Paying with an empty `payment_method` uses the first.",
        responses={200: SavedCardOutput(many=True)},
    )
    def get(self, request):
        return Response(SavedCardOutput(cards.saved_cards(household=request.user), many=True).data)


class CardDetailApi(APIView):
    @extend_schema(
        summary="Remove one of my saved cards (detached at Stripe)",
        description="A card another household saved, or one removed already, is 404 "
        "`card_not_found`; a card a payment still needs (being sent, waiting for 3-D Secure, "
        "authorised until the close) is 409 `card_in_use`.",
        responses={204: None, **refusals(CardNotFound, CardInUse, PaymentUnavailable)},
    )
    def delete(self, request, card_id: int):
        cards.remove_card(household=request.user, card_id=card_id)
        return Response(status=204)


# --- Top-ups ---------------------------------------------------------------------------------


class TopupOutput(BoundedModelSerializer):
    class Meta:
        model = Topup
        fields = ["id", "amount_cents", "status", "created_at", "credited_at"]
        read_only_fields = fields


class TopupCardOutput(serializers.Serializer):
    brand = serializers.CharField()
    last4 = serializers.CharField()


class TopupCheckoutOutput(serializers.Serializer):
    publishable_key = serializers.CharField()
    client_secret = serializers.CharField(
        help_text="SetupIntent client secret: confirm with stripe.confirmCardSetup, then pay."
    )
    saved_card = TopupCardOutput(allow_null=True)


class StartedTopupOutput(TopupOutput):
    payment = TopupCheckoutOutput()

    class Meta(TopupOutput.Meta):
        fields = [*TopupOutput.Meta.fields, "payment"]
        read_only_fields = fields


class TopupChoicesOutput(serializers.Serializer):
    amounts_cents = serializers.ListField(child=serializers.IntegerField())
    min_cents = serializers.IntegerField()
    max_cents = serializers.IntegerField()
    topups = TopupOutput(many=True)


class TopupInput(serializers.Serializer):
    amount_cents = serializers.IntegerField(
        min_value=1,
        max_value=TOPUP_CEILING_CENTS,
        help_text="One of amounts_cents, or a free amount between min_cents and max_cents.",
    )


class TopupPayInput(serializers.Serializer):
    payment_method = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=255,
        help_text="pm_… from stripe.confirmCardSetup; empty: the saved card.",
    )


class TopupPayOutput(serializers.Serializer):
    topup = TopupOutput()
    payment_status = serializers.CharField(help_text="The PaymentIntent's status.")
    client_secret = serializers.CharField(
        allow_blank=True,
        help_text="When payment_status is requires_action: call stripe.confirmCardPayment "
        "with it, then POST .../payment/refresh/.",
    )


def _topup(request, pk: int) -> Topup:
    return get_object_or_404(Topup.objects.filter(household=request.user), pk=pk)


def _checkout(household) -> dict:
    checkout = customers.checkout(household=household)
    card = checkout.saved_card
    return {
        "publishable_key": checkout.publishable_key,
        "client_secret": checkout.client_secret,
        "saved_card": None if card is None else {"brand": card.brand, "last4": card.last4},
    }


def _paid(result: topups.TopupPayResult) -> Response:
    return Response(
        TopupPayOutput(
            {
                "topup": result.topup,
                "payment_status": result.status,
                "client_secret": result.client_secret,
            }
        ).data
    )


class TopupListCreateApi(APIView):
    @extend_schema(
        summary="Top-up amounts offered, and my latest top-ups",
        operation_id="v1_orders_credit_topups_choices",
        responses={200: TopupChoicesOutput},
    )
    def get(self, request):
        choices = topups.topup_choices()
        latest = Topup.objects.filter(household=request.user).order_by("-pk")[:20]
        return Response(
            TopupChoicesOutput(
                {
                    "amounts_cents": list(choices.amounts_cents),
                    "min_cents": choices.min_cents,
                    "max_cents": choices.max_cents,
                    "topups": latest,
                }
            ).data
        )

    @extend_schema(
        summary="Start a credit top-up (awaiting its card payment)",
        description="Then pay it with POST .../topups/<id>/pay/. Outside the bounds: 400 "
        "`topup_amount_out_of_range` with `min_cents` and `max_cents`.",
        request=TopupInput,
        responses={
            201: StartedTopupOutput,
            **refusals(TopupAmountOutOfRange, PaymentUnavailable),
        },
    )
    def post(self, request):
        data = validated(TopupInput, request.data)
        topup = topups.start_topup(household=request.user, amount_cents=data["amount_cents"])
        body = dict(TopupOutput(topup).data)
        body["payment"] = _checkout(request.user)
        return Response(body, status=201)


class TopupDetailApi(APIView):
    @extend_schema(summary="One of my top-ups", responses={200: TopupOutput})
    def get(self, request, pk: int):
        return Response(TopupOutput(_topup(request, pk)).data)


class TopupPayApi(APIView):
    @extend_schema(
        summary="Pay a top-up by card (captured at once; the credit is added once it succeeds)",
        description="One live payment attempt per top-up: pays made at once share it.",
        request=TopupPayInput,
        responses={
            200: TopupPayOutput,
            **refusals(
                InvalidPaymentMethod,
                PaymentRejected,
                CardDeclined,
                PaymentInProgress,
                PaymentUnavailable,
            ),
        },
    )
    def post(self, request, pk: int):
        topup = _topup(request, pk)
        data = validated(TopupPayInput, request.data)
        return _paid(topups.pay_topup(topup=topup, payment_method=data.get("payment_method", "")))


class TopupPaymentRefreshApi(APIView):
    @extend_schema(
        summary="Re-read a top-up's payment (after 3-D Secure in the browser)",
        request=None,
        responses={200: TopupPayOutput, **refusals(PaymentUnavailable)},
    )
    def post(self, request, pk: int):
        return _paid(topups.refresh_topup_payment(topup=_topup(request, pk)))


# --- Credit given back to the card --------------------------------------------------------------


class WithdrawalOptionsOutput(serializers.Serializer):
    credit_balance_cents = serializers.IntegerField()
    available_cents = serializers.IntegerField(
        help_text="What may be asked back now (credit not counted on by a payment under way)."
    )
    refundable_cents = serializers.IntegerField(
        help_text="What recent card payments can take back (at most available_cents)."
    )
    refund_window_days = serializers.IntegerField()


class WithdrawalInput(serializers.Serializer):
    amount_cents = serializers.IntegerField(min_value=1, max_value=TOPUP_CEILING_CENTS)


class WithdrawalOutput(serializers.Serializer):
    asked_cents = serializers.IntegerField()
    refunded_cents = serializers.IntegerField(help_text="Refunded to the card(s).")
    kept_cents = serializers.IntegerField(help_text="Of what was asked, still credit.")
    kept_reason = serializers.ChoiceField(
        choices=["", "old_payments", "no_card_payment"],
        help_text="Why kept_cents stay credit: payments older than the refund window, or no "
        "card payment to refund.",
    )
    message = serializers.CharField(help_text="The same, in words for people.")


class WithdrawalApi(APIView):
    @extend_schema(
        summary="How much credit can go back to the card", responses={200: WithdrawalOptionsOutput}
    )
    def get(self, request):
        return Response(
            WithdrawalOptionsOutput(withdrawals.withdrawal_options(household=request.user)).data
        )

    @extend_schema(
        summary="Give credit back to the card it came from",
        description="Refunds the latest card payments first (captured, not fully refunded, "
        "within the refund window, their sale closed); the ledger is debited by what goes "
        "back; the rest stays credit (kept_cents, kept_reason). 409 "
        "`withdrawal_exceeds_credit` (with `available_cents`) above the credit; 409 "
        "`nothing_refundable` (with `kept_reason`) when no payment can take any back.",
        request=WithdrawalInput,
        responses={
            200: WithdrawalOutput,
            **refusals(WithdrawalExceedsCredit, NothingRefundable, PaymentUnavailable),
        },
    )
    def post(self, request):
        data = validated(WithdrawalInput, request.data)
        result = withdrawals.withdraw_credit(
            household=request.user, amount_cents=data["amount_cents"]
        )
        return Response(
            WithdrawalOutput(
                {
                    "asked_cents": result.asked_cents,
                    "refunded_cents": result.refunded_cents,
                    "kept_cents": result.kept_cents,
                    "kept_reason": result.kept_reason,
                    "message": withdrawals.withdrawal_message(result),
                }
            ).data
        )
