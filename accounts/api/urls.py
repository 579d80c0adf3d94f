from django.urls import path

from accounts.api import views

urlpatterns = [
    path("token/", views.TokenApi.as_view(), name="auth-token"),
    path("tokens/", views.TokenListApi.as_view(), name="auth-token-list"),
    path("tokens/<int:token_id>/", views.TokenDetailApi.as_view(), name="auth-token-detail"),
]
