"""Orders routes under /api/v1/orders/ (included from config/api.py)."""

from django.urls import path

from orders.api import views

urlpatterns = [
    path("", views.OrderListCreateApi.as_view(), name="order-list"),
    path("<int:pk>/", views.OrderDetailApi.as_view(), name="order-detail"),
    path("<int:pk>/cancel/", views.OrderCancelApi.as_view(), name="order-cancel"),
    path("<int:pk>/pay/", views.OrderPayApi.as_view(), name="order-pay"),
    path("<int:pk>/credit-split/", views.OrderCreditSplitApi.as_view(), name="order-credit-split"),
    path("<int:pk>/receipt/", views.OrderReceiptApi.as_view(), name="order-receipt"),
    path("<int:pk>/food-miles/", views.OrderFoodMilesApi.as_view(), name="order-food-miles"),
    path(
        "<int:pk>/payment/refresh/",
        views.OrderPaymentRefreshApi.as_view(),
        name="order-payment-refresh",
    ),
]
