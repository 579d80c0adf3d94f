"""Shared-garden pages under /jardins/ (French paths, English names)."""

from django.urls import path

from frontend.views import garden_manage as manage_views
from frontend.views import gardens as views

app_name = "gardens"

urlpatterns = [
    path("", views.garden_list, name="list"),
    path("mon-jardin/", views.mine, name="mine"),
    path("reservations/<int:pk>/annuler/", views.cancel_reservation, name="cancel"),
    path("liste-attente/<int:pk>/quitter/", views.leave_waitlist, name="leave"),
    path("offres/<int:pk>/accepter/", views.answer_offer, {"answer": "accept"}, name="accept"),
    path("offres/<int:pk>/refuser/", views.answer_offer, {"answer": "decline"}, name="decline"),
    path("journees/<int:pk>/inscription/", views.work_day_signup, name="work_day_signup"),
    path("<slug:slug>/", views.garden_detail, name="detail"),
    path("<slug:slug>/reserver/", views.reserve, name="reserve"),
    path("<slug:slug>/liste-attente/", views.join_waitlist, name="join"),
    path("<slug:slug>/coordination/", manage_views.manage, name="manage"),
    path("<slug:slug>/coordination/export.csv", manage_views.export_csv, name="export"),
    path(
        "<slug:slug>/coordination/journees/", manage_views.manage_work_day, name="manage_work_day"
    ),
    path(
        "<slug:slug>/coordination/journees/<int:pk>/presence/",
        manage_views.manage_attendance,
        name="manage_attendance",
    ),
    path(
        "<slug:slug>/coordination/reservations/<int:pk>/paiement/",
        manage_views.manage_fee,
        name="manage_fee",
    ),
    *(
        path(
            f"<slug:slug>/coordination/reservations/<int:pk>/{french}/",
            manage_views.manage_reservation,
            {"operation": operation},
            name=f"manage_{operation}",
        )
        for operation, french in (
            ("approve", "approuver"),
            ("refuse", "refuser"),
            ("cancel", "annuler"),
        )
    ),
]
