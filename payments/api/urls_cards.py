"""Saved cards' routes, under /api/v1/cards/."""

from django.urls import path

from payments.api import views

urlpatterns = [
    path("", views.CardListApi.as_view(), name="card-list"),
    path("<int:card_id>/", views.CardDetailApi.as_view(), name="card-detail"),
]
