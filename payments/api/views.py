"""The household's money through the API: its credit (balance and latest movements, read
only) and its saved cards (list, remove)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import BoundedModelSerializer
from common.schema import refusals
from payments import selectors
from payments.errors import CardInUse, CardNotFound, PaymentUnavailable
from payments.models import CreditEntry, SavedCard
from payments.services import cards


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
