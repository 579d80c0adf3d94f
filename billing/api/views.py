"""A farm's payouts and a host's commissions, and the link to activate the payout account.

The farm is looked up among the user's farms, the point among the points the user hosts:
anyone else gets 404. Pages and API read through ``billing.selectors``.
"""

from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, mixins, renderers, status
from rest_framework.response import Response

from billing import invoice_reads, mandates, selectors
from billing.api.serializers import InvoiceOut, MandateOut, OnboardingOut, PayoutOut
from billing.documents import invoice_filename, invoice_pdf
from billing.models import Payout
from common.errors import Invalid
from payments.services import connect
from pickup.selectors import hosted_point
from producers.selectors import producer_for_member


class _ProducerApi(generics.GenericAPIView):
    filter_backends: list = []
    kind = Payout.Payee.FARM

    def payee(self):
        return producer_for_member(user=self.request.user, producer_id=self.kwargs["producer_id"])

    def payouts(self, payee):
        return selectors.producer_payouts(payee)

    def page_url(self, payee, name: str) -> str:
        return reverse(f"frontend:producer:{name}", args=[payee.slug])


class _PointApi(_ProducerApi):
    kind = Payout.Payee.HOST

    def payee(self):
        return hosted_point(user=self.request.user, pk=self.kwargs["pk"])

    def payouts(self, payee):
        return selectors.point_payouts(payee)

    def page_url(self, payee, name: str) -> str:
        return reverse(f"frontend:host_{name}", args=[payee.pk])


class _PayoutList(mixins.ListModelMixin):
    serializer_class = PayoutOut

    def get_queryset(self):
        return self.payouts(self.payee())

    def get(self, request, **kwargs):
        return self.list(request)


class _Onboarding:
    serializer_class = OnboardingOut

    @extend_schema(
        request=None,
        responses={
            201: OnboardingOut,
            503: OpenApiResponse(description="Stripe unavailable: `payment_unavailable`"),
        },
    )
    def post(self, request, **kwargs):
        payee = self.payee()
        url = connect.onboarding_url(
            kind=self.kind,
            ref=payee.pk,
            email=request.user.email,
            name=payee.name,
            return_url=request.build_absolute_uri(self.page_url(payee, "payouts_return")),
            refresh_url=request.build_absolute_uri(self.page_url(payee, "payouts_activate")),
        )
        return Response({"onboarding_url": url}, status=status.HTTP_201_CREATED)


class _Mandate:
    serializer_class = MandateOut

    def answer(self, payee, status_code=status.HTTP_200_OK):
        state = mandates.mandate_state(self.kind, payee.pk, payee.name)
        return Response(MandateOut(state).data, status=status_code)

    def get(self, request, **kwargs):
        return self.answer(self.payee())

    @extend_schema(request=None, responses={200: MandateOut, 201: MandateOut})
    def post(self, request, **kwargs):
        """Accept the current terms (once: 201 the first time, 200 after, the first date kept)."""
        payee = self.payee()
        _mandate, created = mandates.accept_mandate(
            kind=self.kind, ref=payee.pk, name=payee.name, by=request.user
        )
        return self.answer(payee, status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class ProducerPayoutListApi(_PayoutList, _ProducerApi):
    """The farm's payouts, newest distribution first (members only)."""


class PointPayoutListApi(_PayoutList, _PointApi):
    """The host's commissions at the point, newest distribution first (hosts only)."""


class ProducerPayoutAccountApi(_Onboarding, _ProducerApi):
    """A fresh Stripe onboarding link for the farm's payout account (created the first time)."""


class PointPayoutAccountApi(_Onboarding, _PointApi):
    """A fresh Stripe onboarding link for the point's payout account (created the first time)."""


class ProducerMandateApi(_Mandate, _ProducerApi):
    """The farm's billing mandate (self-billing): read it, accept it (members only)."""


class PointMandateApi(_Mandate, _PointApi):
    """The host's billing mandate for the point's commissions: read it, accept it."""


class PdfRenderer(renderers.BaseRenderer):
    """``Accept: application/pdf`` (or ``.pdf``): the invoice's stored PDF."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class InvalidMonth(Invalid):
    code = "invalid_month"
    default_message = _("The month is written YYYY-MM, for example 2026-12.")


class _InvoiceList(mixins.ListModelMixin):
    serializer_class = InvoiceOut

    def get_queryset(self):
        try:
            month = invoice_reads.parse_month(self.request.query_params.get("month"))
        except ValueError:
            raise InvalidMonth(errors={"month": [str(InvalidMonth.default_message)]}) from None
        return self.invoices(self.payee(), month)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "month",
                str,
                description="YYYY-MM (Europe/Paris)",
                pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
            )
        ],
        responses={200: InvoiceOut(many=True), 400: OpenApiResponse(description="`invalid_month`")},
    )
    def get(self, request, **kwargs):
        return self.list(request)


class ProducerInvoiceListApi(_InvoiceList, _ProducerApi):
    """Invoices issued in the farm's name and addressed to it, newest first (members
    only); ``?month=2026-12`` keeps those issued that month (Europe/Paris)."""

    invoices = staticmethod(invoice_reads.producer_invoices)


class PointInvoiceListApi(_InvoiceList, _PointApi):
    """The host's commission invoices at the point, issued in its name, newest first (hosts
    only); ``?month=2026-12`` as for a farm."""

    invoices = staticmethod(invoice_reads.point_invoices)


class _InvoiceApi(generics.GenericAPIView):
    serializer_class = InvoiceOut
    filter_backends: list = []

    def handle_exception(self, exc):
        """A refusal is JSON (``code``, ``message``), whatever the client accepts."""
        response = super().handle_exception(exc)
        self.request.accepted_renderer = renderers.JSONRenderer()
        self.request.accepted_media_type = "application/json"
        return response

    def pdf(self, invoice):
        response = Response(invoice_pdf(invoice.pk), content_type=PdfRenderer.media_type)
        response["Content-Disposition"] = content_disposition_header(
            False, invoice_filename(invoice)
        )
        return response


class InvoiceDetailApi(_InvoiceApi):
    """One invoice its reader may see: the household it was issued to, the farm's members
    (in its name or addressed to it), the point's hosts (its commission invoices), staff;
    anyone else gets 404. JSON, or its PDF with ``Accept: application/pdf``."""

    renderer_classes = [renderers.JSONRenderer, PdfRenderer]

    @extend_schema(
        responses={
            (200, "application/json"): InvoiceOut,
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (404, "application/json"): OpenApiResponse(description="`not_found`"),
        }
    )
    def get(self, request, number: str, **kwargs):
        invoice = invoice_reads.invoice_for(request.user, number)
        if request.accepted_renderer.format == "pdf":
            return self.pdf(invoice)
        return Response(InvoiceOut(invoice).data)


class InvoicePdfApi(_InvoiceApi):
    """The invoice's stored PDF (the same readers as its JSON)."""

    renderer_classes = [PdfRenderer]

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (404, "application/json"): OpenApiResponse(description="`not_found`"),
        }
    )
    def get(self, request, number: str, **kwargs):
        return self.pdf(invoice_reads.invoice_for(request.user, number))
