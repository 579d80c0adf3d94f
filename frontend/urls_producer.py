"""Producer dashboard pages under /producteur/ (French paths, English names)."""

from django.urls import path

from frontend.views import invoices, payouts
from frontend.views import producer as views

app_name = "producer"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.dashboard, name="dashboard"),
    path("<slug:slug>/virements/", payouts.producer_page, name="payouts"),
    path("<slug:slug>/virements/activer/", payouts.producer_activate, name="payouts_activate"),
    path("<slug:slug>/virements/retour/", payouts.producer_return, name="payouts_return"),
    path("<slug:slug>/virements.csv", payouts.producer_csv, name="payouts_csv"),
    path("<slug:slug>/virements/mandat/", payouts.producer_mandate, name="payouts_mandate"),
    path("<slug:slug>/factures/", invoices.producer_invoices, name="invoices"),
    path("<slug:slug>/factures/<str:month>.zip", invoices.producer_month_zip, name="invoices_zip"),
    path("<slug:slug>/ferme/", views.producer_edit, name="producer_edit"),
    path("<slug:slug>/produits/nouveau/", views.product_create, name="product_create"),
    path("<slug:slug>/produits/export.csv", views.products_export, name="products_export"),
    path("<slug:slug>/produits/import/", views.products_import, name="products_import"),
    path("<slug:slug>/produits/<int:pk>/", views.product_edit, name="product_edit"),
    path("<slug:slug>/produits/<int:pk>/supprimer/", views.product_delete, name="product_delete"),
    path("<slug:slug>/catalogues/nouveau/", views.catalogue_create, name="catalogue_create"),
    path(
        "<slug:slug>/catalogues/copier/",
        views.catalogue_copy_last_week,
        name="catalogue_copy_last_week",
    ),
    path(
        "<slug:slug>/catalogues/<int:pk>/publier/",
        views.catalogue_publish,
        name="catalogue_publish",
    ),
    path("<slug:slug>/catalogues/<int:catalogue_pk>/offres/", views.offer_add, name="offer_add"),
    path(
        "<slug:slug>/catalogues/<int:catalogue_pk>/offres/<int:pk>/",
        views.offer_edit,
        name="offer_edit",
    ),
    path(
        "<slug:slug>/catalogues/<int:catalogue_pk>/offres/<int:pk>/supprimer/",
        views.offer_delete,
        name="offer_delete",
    ),
    path(
        "<slug:slug>/catalogues/<int:catalogue_pk>/export.csv",
        views.offers_export,
        name="offers_export",
    ),
    path(
        "<slug:slug>/catalogues/<int:catalogue_pk>/import/",
        views.offers_import,
        name="offers_import",
    ),
]
