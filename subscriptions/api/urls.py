"""Subscription routes, under /api/v1/orders/ where they have always been."""

from django.urls import path

from subscriptions.api import views

urlpatterns = [
    path("seasons/", views.SeasonListApi.as_view(), name="season-list"),
    path("subscriptions/", views.SubscriptionListCreateApi.as_view(), name="subscription-list"),
    path(
        "subscriptions/<int:pk>/",
        views.SubscriptionDetailApi.as_view(),
        name="subscription-detail",
    ),
    path(
        "subscriptions/<int:pk>/pay/", views.SubscriptionPayApi.as_view(), name="subscription-pay"
    ),
    path(
        "subscriptions/<int:pk>/skip/",
        views.SubscriptionSkipApi.as_view(),
        name="subscription-skip",
    ),
    path(
        "subscriptions/<int:pk>/unskip/",
        views.SubscriptionUnskipApi.as_view(),
        name="subscription-unskip",
    ),
    path(
        "subscriptions/<int:pk>/pause/",
        views.SubscriptionPauseApi.as_view(),
        name="subscription-pause",
    ),
    path(
        "subscriptions/<int:pk>/cancel/",
        views.SubscriptionCancelApi.as_view(),
        name="subscription-cancel",
    ),
    path("waitlist/", views.WaitlistJoinApi.as_view(), name="basket-waitlist"),
    path(
        "producers/<int:producer>/seasons/",
        views.ProducerSeasonListCreateApi.as_view(),
        name="producer-season-list",
    ),
    path(
        "producers/<int:producer>/seasons/<int:pk>/counts/",
        views.ProducerSeasonCountsApi.as_view(),
        name="producer-season-counts",
    ),
]
