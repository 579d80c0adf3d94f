"""Shapes other apps' serializers share: the payout account of a farm or a host."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from payments.models import ConnectedAccount
from payments.services import connect


class PayoutAccountOut(serializers.Serializer):
    status = serializers.ChoiceField(choices=ConnectedAccount.Status.choices)
    charges_enabled = serializers.BooleanField()
    payouts_enabled = serializers.BooleanField()
    requirements_due = serializers.ListField(child=serializers.CharField())


class PayoutAccountField(serializers.SerializerMethodField):
    """The owner's payout account (or null). Only on serializers its members/hosts read."""

    def __init__(self, kind: str, **kwargs):
        self.kind = kind
        super().__init__(**kwargs)

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        setattr(parent, self.method_name, self._read)

    def _read(self, obj):
        account = connect.account_of(self.kind, obj.pk)
        return PayoutAccountOut(account).data if account is not None else None


PayoutAccountField = extend_schema_field(PayoutAccountOut(allow_null=True))(PayoutAccountField)
