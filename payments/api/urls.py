"""Credit routes, under /api/v1/orders/ where they have always been."""

from django.urls import path

from payments.api import views

urlpatterns = [
    path("credit/", views.CreditApi.as_view(), name="credit"),
    path("credit/topups/", views.TopupListCreateApi.as_view(), name="credit-topups"),
    path("credit/topups/<int:pk>/", views.TopupDetailApi.as_view(), name="credit-topup"),
    path("credit/topups/<int:pk>/pay/", views.TopupPayApi.as_view(), name="credit-topup-pay"),
    path(
        "credit/topups/<int:pk>/payment/refresh/",
        views.TopupPaymentRefreshApi.as_view(),
        name="credit-topup-payment-refresh",
    ),
    path("credit/withdrawal/", views.WithdrawalApi.as_view(), name="credit-withdrawal"),
]
