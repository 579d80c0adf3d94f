"""The household's credit through the API: its balance and latest movements (read only)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import BoundedModelSerializer
from payments import selectors
from payments.models import CreditEntry


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
