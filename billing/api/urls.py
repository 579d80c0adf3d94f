"""Payout routes under /api/v1/ (included from config/api.py)."""

from django.urls import path

from billing.api import views

urlpatterns = [
    path(
        "producers/<int:producer_id>/invoices/",
        views.ProducerInvoiceListApi.as_view(),
        name="producer-invoice-list",
    ),
    path(
        "pickup-points/<int:pk>/invoices/",
        views.PointInvoiceListApi.as_view(),
        name="pickup-point-invoice-list",
    ),
    path("invoices/<str:number>.pdf", views.InvoicePdfApi.as_view(), name="invoice-pdf"),
    path("invoices/<str:number>/", views.InvoiceDetailApi.as_view(), name="invoice-detail"),
    path(
        "producers/<int:producer_id>/payouts/",
        views.ProducerPayoutListApi.as_view(),
        name="producer-payout-list",
    ),
    path(
        "producers/<int:producer_id>/payout-account/",
        views.ProducerPayoutAccountApi.as_view(),
        name="producer-payout-account",
    ),
    path(
        "producers/<int:producer_id>/billing-mandate/",
        views.ProducerMandateApi.as_view(),
        name="producer-billing-mandate",
    ),
    path(
        "pickup-points/<int:pk>/billing-mandate/",
        views.PointMandateApi.as_view(),
        name="pickup-point-billing-mandate",
    ),
    path(
        "pickup-points/<int:pk>/payouts/",
        views.PointPayoutListApi.as_view(),
        name="pickup-point-payout-list",
    ),
    path(
        "pickup-points/<int:pk>/payout-account/",
        views.PointPayoutAccountApi.as_view(),
        name="pickup-point-payout-account",
    ),
]
