"""The person's own data through the API: a copy of it (RGPD art. 15 and 20) and closing the
account (art. 17). Rules are in ``accounts.exports`` and ``accounts.erasure``."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import erasure, exports
from accounts.errors import ErasureWaits, WrongPassword
from common.api import validated
from common.schema import refusals


class ExportQueuedOutput(serializers.Serializer):
    code = serializers.CharField(help_text="`export_queued`")
    message = serializers.CharField()


class MeExportApi(APIView):
    @extend_schema(
        summary="A copy of all my personal data (ZIP of JSON and CSV files, with a README)",
        description=(
            "Profile, orders and their lines, payments (no card number), refunds, the credit "
            "ledger, subscriptions, plot reservations, waiting lists, e-mails sent (subject and "
            "date), and the organisations I belong to. A large export (more than "
            "`PERSONAL_DATA_EXPORT_MAX_ROWS` rows) is built in the background and its link, "
            "which expires, is e-mailed: the answer is then 202 `export_queued`."
        ),
        responses={
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY),
            202: ExportQueuedOutput,
        },
    )
    def get(self, request):
        archive = exports.request_export(user=request.user)
        if archive is None:
            return Response(
                {
                    "code": "export_queued",
                    "message": str(exports.queued_message()),
                },
                status=202,
            )
        response = HttpResponse(archive, content_type="application/zip")
        response["Content-Disposition"] = content_disposition_header(
            True, exports.export_filename(request.user)
        )
        return response


class MeApi(APIView):
    class EraseInput(serializers.Serializer):
        password = serializers.CharField(trim_whitespace=False, help_text="my password, again")

    @extend_schema(
        summary="Delete my account and my personal data",
        description=(
            "Closes the account at once (every token and session revoked) and erases or "
            "anonymises the personal data; issued invoices are kept as the law requires. "
            "Orders still changeable are cancelled and refunded, the credit goes back to the "
            "card first. 409 `erasure_waits` when something must happen first, with one "
            "`reasons[]` entry per cause, each with a stable `code`: `credit_not_refundable` "
            "(credit that cannot go back to a card), `order_in_progress` (an order past its "
            "cutoff not handed over yet), `subscription_active` (end the subscription first), "
            "`payment_in_progress`, `refund_pending`. Nothing is changed then."
        ),
        request=EraseInput,
        responses={204: None, **refusals(WrongPassword, ErasureWaits)},
    )
    def delete(self, request):
        data = validated(self.EraseInput, request.data)
        erasure.request_erasure(user=request.user, password=data["password"])
        return Response(status=204)
