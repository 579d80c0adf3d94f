"""Pages for finding a pickup point, its catalogues, and the host's dashboard (French paths)."""

from django.urls import path

from frontend.views import host, invoices, payouts, pickup

urlpatterns = [
    path("points-relais/", pickup.search, name="pickup_search"),
    # before the point pages, whose slug would otherwise swallow it
    path(
        "points-relais/demande-de-livraison/",
        pickup.producer_supply_request,
        name="producer_supply_request",
    ),
    path("points-relais/<slug:slug>/", pickup.point_detail, name="pickup_point"),
    path(
        "points-relais/<slug:slug>/distributions/<int:pk>/",
        pickup.catalogue,
        name="distribution_catalogue",
    ),
    path("hote/", host.dashboard, name="host_dashboard"),
    path("hote/points/<int:pk>/", host.point_update, name="host_point_update"),
    path("hote/points/<int:pk>/virements/", payouts.point_page, name="host_payouts"),
    path(
        "hote/points/<int:pk>/virements/activer/",
        payouts.point_activate,
        name="host_payouts_activate",
    ),
    path(
        "hote/points/<int:pk>/virements/retour/", payouts.point_return, name="host_payouts_return"
    ),
    path("hote/points/<int:pk>/virements.csv", payouts.point_csv, name="host_payouts_csv"),
    path(
        "hote/points/<int:pk>/virements/mandat/", payouts.point_mandate, name="host_payouts_mandate"
    ),
    path("hote/points/<int:pk>/factures/", invoices.point_invoices, name="host_invoices"),
    path(
        "hote/points/<int:pk>/factures/<str:month>.zip",
        invoices.point_month_zip,
        name="host_invoices_zip",
    ),
    path(
        "hote/points/<int:pk>/distributions/",
        host.distribution_create,
        name="host_distribution_create",
    ),
    path(
        "hote/points/<int:pk>/distributions/hebdomadaires/",
        host.distribution_weekly,
        name="host_distribution_weekly",
    ),
    path(
        "hote/distributions/<int:pk>/statut/",
        host.distribution_move,
        name="host_distribution_move",
    ),
    path(
        "hote/distributions/<int:pk>/cloture/",
        host.distribution_close,
        name="host_distribution_close",
    ),
    path("hote/producteurs/<int:pk>/decision/", host.supply_decide, name="host_supply_decide"),
]
