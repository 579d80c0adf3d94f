from django.urls import path

from accounts.api import me

urlpatterns = [
    path("", me.MeApi.as_view(), name="me"),
    path("export/", me.MeExportApi.as_view(), name="me-export"),
]
