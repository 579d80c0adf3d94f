"""Everything under /api/v1/. Each app adds its routes in its own ``api/urls.py``."""

from django.urls import path

from accounts.api.views import TokenApi

urlpatterns = [
    path("auth/token/", TokenApi.as_view(), name="auth-token"),
]
