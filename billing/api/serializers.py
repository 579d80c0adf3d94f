from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from billing.models import Payout
from common.api import BoundedModelSerializer
from payments.models import TransferReversal


class ReversalOut(serializers.Serializer):
    amount_cents = serializers.IntegerField()
    status = serializers.ChoiceField(choices=TransferReversal.Status.choices)
    created_at = serializers.DateTimeField()


class PayoutOut(BoundedModelSerializer):
    distribution_id = serializers.IntegerField()
    distribution_starts_at = serializers.DateTimeField(source="distribution.starts_at")
    pickup_point_name = serializers.CharField(source="distribution.pickup_point.name")
    transfer_status = serializers.SerializerMethodField()
    reversals = serializers.SerializerMethodField()

    class Meta:
        model = Payout
        fields = [
            "id",
            "distribution_id",
            "distribution_starts_at",
            "pickup_point_name",
            "status",
            "sales_cents",
            "host_cents",
            "platform_cents",
            "season_cents",
            "disputed_cents",
            "net_cents",
            "sent_cents",
            "debt_taken_cents",
            "reversed_cents",
            "debt_cents",
            "paid_at",
            "transfer_status",
            "reversals",
        ]

    def get_transfer_status(self, payout) -> str | None:
        return payout.transfer.status if payout.transfer_id else None

    @staticmethod
    def _reversals(payout):
        return list(payout.transfer.reversals.all()) if payout.transfer_id else []

    @extend_schema_field(ReversalOut(many=True))
    def get_reversals(self, payout):
        return ReversalOut(self._reversals(payout), many=True).data


class OnboardingOut(serializers.Serializer):
    onboarding_url = serializers.URLField()


class MandateOut(serializers.Serializer):
    """The payee's billing mandate under the current terms (``accepted`` false: none yet, no
    invoice is issued in its name)."""

    accepted = serializers.SerializerMethodField()
    terms_version = serializers.CharField()
    accepted_at = serializers.DateTimeField(source="mandate.accepted_at", allow_null=True)
    accepted_by_name = serializers.SerializerMethodField()
    terms = serializers.CharField()

    def get_accepted(self, state) -> bool:
        return state.mandate is not None

    def get_accepted_by_name(self, state) -> str:
        return state.mandate.accepted_by_name if state.mandate else ""
