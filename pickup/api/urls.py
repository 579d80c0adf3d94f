"""Pickup routes under /api/v1/ (included from config/api.py)."""

from django.urls import path

from pickup.api import views

urlpatterns = [
    path("pickup-points/", views.PointSearchApi.as_view(), name="pickup-point-search"),
    path(
        "distributions/<int:pk>/catalogue/",
        views.CatalogueApi.as_view(),
        name="distribution-catalogue",
    ),
    path("host/pickup-points/", views.HostPointListApi.as_view(), name="host-point-list"),
    path(
        "host/pickup-points/<int:pk>/",
        views.HostPointDetailApi.as_view(),
        name="host-point-detail",
    ),
    path(
        "host/distributions/",
        views.HostDistributionListApi.as_view(),
        name="host-distribution-list",
    ),
    path(
        "host/distributions/weekly/",
        views.HostWeeklyDistributionsApi.as_view(),
        name="host-distribution-weekly",
    ),
    path(
        "host/distributions/<int:pk>/",
        views.HostDistributionDetailApi.as_view(),
        name="host-distribution-detail",
    ),
    path(
        "host/distributions/<int:pk>/status/",
        views.HostDistributionStatusApi.as_view(),
        name="host-distribution-status",
    ),
    path(
        "host/distributions/<int:pk>/cancel/",
        views.HostDistributionCancelApi.as_view(),
        name="host-distribution-cancel",
    ),
    path(
        "host/supply-requests/",
        views.HostSupplyRequestListApi.as_view(),
        name="host-supply-request-list",
    ),
    path(
        "host/supply-requests/<int:pk>/",
        views.HostSupplyRequestDetailApi.as_view(),
        name="host-supply-request-detail",
    ),
    path(
        "host/supply-requests/<int:pk>/approve/",
        views.HostSupplyApproveApi.as_view(),
        name="host-supply-request-approve",
    ),
    path(
        "host/supply-requests/<int:pk>/refuse/",
        views.HostSupplyRefuseApi.as_view(),
        name="host-supply-request-refuse",
    ),
    path("supply-requests/", views.SupplyRequestListApi.as_view(), name="supply-request-list"),
    path(
        "supply-requests/<int:pk>/",
        views.SupplyRequestDetailApi.as_view(),
        name="supply-request-detail",
    ),
]
