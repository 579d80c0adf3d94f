"""Distribution-day routes under /api/v1/distribution-day/ (included from config/api.py)."""

from django.urls import path

from handover.api import lines, views

urlpatterns = [
    path(
        "distributions/<int:pk>/packing-list/",
        views.PackingListApi.as_view(),
        name="day-packing-list",
    ),
    path("distributions/<int:pk>/handover/", views.HandoverApi.as_view(), name="day-handover"),
    path(
        "distributions/<int:pk>/cancel/",
        views.DistributionCancelApi.as_view(),
        name="day-distribution-cancel",
    ),
    path("orders/<int:pk>/collected/", views.CollectedApi.as_view(), name="day-collected"),
    path(
        "producers/<int:producer_id>/distributions/<int:pk>/picking/",
        views.PickingApi.as_view(),
        name="day-picking",
    ),
    path(
        "producers/<int:producer_id>/weeks/<str:week>/picking/",
        views.WeekPickingApi.as_view(),
        name="day-week-picking",
    ),
    path(
        "producers/<int:producer_id>/distributions/<int:pk>/lines/",
        lines.FarmLinesApi.as_view(),
        name="day-farm-lines",
    ),
    path(
        "producers/<int:producer_id>/lines/<int:pk>/delivered/",
        lines.DeliveredApi.as_view(),
        name="day-line-delivered",
    ),
    path(
        "producers/<int:producer_id>/lines/<int:pk>/weight/",
        lines.WeightApi.as_view(),
        name="day-line-weight",
    ),
    path(
        "producers/<int:producer_id>/distributions/<int:pk>/statement/",
        views.StatementApi.as_view(),
        name="day-statement",
    ),
]
