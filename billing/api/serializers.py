from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from billing.models import Invoice, Payout
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


class PartyOut(serializers.Serializer):
    name = serializers.CharField()
    legal_name = serializers.CharField(required=False, default="")
    address = serializers.CharField(required=False, default="")
    siret = serializers.CharField(required=False, default="")
    vat_number = serializers.CharField(required=False, default="")
    vat_mention = serializers.CharField(required=False, default="")


class InvoiceVatOut(serializers.Serializer):
    rate = serializers.IntegerField(help_text="basis points: 550 = 5.5 %")
    total_incl_cents = serializers.IntegerField()
    total_excl_cents = serializers.IntegerField()
    vat_cents = serializers.IntegerField()


class InvoiceLineOut(serializers.Serializer):
    description = serializers.CharField()
    detail = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3)
    unit = serializers.CharField()
    unit_price_excl_cents = serializers.IntegerField()
    vat_rate = serializers.IntegerField()
    total_excl_cents = serializers.IntegerField()
    total_incl_cents = serializers.IntegerField()


class InvoiceOut(serializers.Serializer):
    """An issued invoice or credit note, as issued (amounts positive; a credit note gives
    back its ``total_incl_cents``)."""

    number = serializers.CharField()
    kind = serializers.ChoiceField(choices=Invoice.Kind.choices)
    document = serializers.ChoiceField(choices=Invoice.Document.choices)
    issued_at = serializers.DateTimeField()
    operation_date = serializers.DateField()
    period = serializers.DateField(allow_null=True)
    corrects = serializers.CharField(
        source="corrects.number", allow_null=True, help_text="the invoice a credit note corrects"
    )
    order_id = serializers.IntegerField(allow_null=True)
    producer_id = serializers.IntegerField(allow_null=True)
    pickup_point_id = serializers.IntegerField(allow_null=True)
    seller = PartyOut()
    buyer = PartyOut()
    delivery = serializers.CharField()
    vat_liable = serializers.BooleanField()
    total_excl_cents = serializers.IntegerField()
    vat_cents = serializers.IntegerField()
    total_incl_cents = serializers.IntegerField()
    vat_rates = InvoiceVatOut(many=True)
    lines = InvoiceLineOut(many=True)
    pdf_url = serializers.SerializerMethodField()

    def get_pdf_url(self, invoice) -> str:
        return reverse("api:invoice-pdf", args=[invoice.number])
