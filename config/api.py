"""Everything under /api/v1/. Each app adds its routes in its own ``api/urls.py``."""

from django.urls import include, path

urlpatterns = [
    path("auth/", include("accounts.api.urls")),
    path("me/", include("accounts.api.urls_me")),
    path("", include("pickup.api.urls")),
    path("producers/", include("producers.api.urls")),
    path("gardens/", include("gardens.api.urls")),
    path("orders/", include("orders.api.urls")),
    path("orders/", include("subscriptions.api.urls")),
    path("orders/", include("payments.api.urls")),
    path("cards/", include("payments.api.urls_cards")),
    path("distribution-day/", include("handover.api.urls")),
    path("", include("billing.api.urls")),
]
