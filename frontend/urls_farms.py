"""The public farm pages (French paths)."""

from django.urls import path

from frontend.views import farms

urlpatterns = [
    path("", farms.farm_list, name="farm_list"),
    path("<slug:slug>/", farms.farm_detail, name="farm"),
]
