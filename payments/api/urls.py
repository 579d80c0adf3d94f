"""Credit routes, under /api/v1/orders/ where they have always been."""

from django.urls import path

from payments.api import views

urlpatterns = [path("credit/", views.CreditApi.as_view(), name="credit")]
