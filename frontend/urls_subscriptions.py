"""Households' AMAP basket pages and the account's credit pages (French paths)."""

from django.urls import path

from frontend.views import credit, subscriptions

app_name = "subscriptions"

urlpatterns = [
    path("abonnements/", subscriptions.season_list, name="seasons"),
    path("abonnements/saison/<int:pk>/", subscriptions.subscribe, name="subscribe"),
    path("abonnements/<int:pk>/", subscriptions.detail, name="detail"),
    path("abonnements/<int:pk>/modifier/", subscriptions.change, name="change"),
    path("abonnements/<int:pk>/paiement/", subscriptions.pay, name="pay"),
    path(
        "abonnements/<int:pk>/paiement/verifier/",
        subscriptions.payment_refresh,
        name="payment_refresh",
    ),
    path(
        "producteur/<slug:slug>/paniers/", subscriptions.producer_baskets, name="producer_baskets"
    ),
    path("compte/credit/", subscriptions.account_credit, name="account_credit"),
    path("compte/credit/recharger/", credit.topup, name="credit_topup"),
    path("compte/credit/recharger/<int:pk>/", credit.topup_pay, name="credit_topup_pay"),
    path(
        "compte/credit/recharger/<int:pk>/verifier/",
        credit.topup_payment_refresh,
        name="credit_topup_refresh",
    ),
    path("compte/credit/rembourser/", credit.withdraw, name="credit_withdraw"),
]
