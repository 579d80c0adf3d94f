"""Distribution-day pages of hosts and producers (French paths)."""

from django.urls import path

from frontend.views import distribution_day as host
from frontend.views import producer_reports as producer

app_name = "day"

urlpatterns = [
    path("hote/distributions/<int:pk>/colisage/", host.packing_list, name="packing_list"),
    path("hote/distributions/<int:pk>/etiquettes/", host.labels, name="labels"),
    path("hote/distributions/<int:pk>/remise/", host.handover, name="handover"),
    path("hote/distributions/<int:pk>/annuler/", host.cancel, name="cancel"),
    path("hote/commandes/<int:pk>/remise/", host.collect, name="collect"),
    path("hote/commandes/<int:pk>/remise/annuler/", host.undo, name="undo"),
    path("producteur/<slug:slug>/ventes/", producer.index, name="producer_index"),
    path(
        "producteur/<slug:slug>/ventes/<int:pk>/preparation/",
        producer.picking,
        name="producer_picking",
    ),
    path(
        "producteur/<slug:slug>/ventes/semaine/<str:week>/",
        producer.week_picking,
        name="producer_week",
    ),
    path(
        "producteur/<slug:slug>/ventes/<int:pk>/corrections/",
        producer.corrections,
        name="producer_corrections",
    ),
    path(
        "producteur/<slug:slug>/ventes/<int:pk>/pesees/",
        producer.weighings,
        name="producer_weighings",
    ),
    path(
        "producteur/<slug:slug>/ventes/<int:pk>/releve/",
        producer.statement,
        name="producer_statement",
    ),
]
