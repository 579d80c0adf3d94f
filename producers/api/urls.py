"""Mounted at /api/v1/producers/ by config/api.py."""

from django.urls import path

from producers.api import views

app_name = "producers"

urlpatterns = [
    path("", views.ProducerListApi.as_view(), name="producer-list"),
    path("<int:producer_id>/", views.ProducerDetailApi.as_view(), name="producer-detail"),
    path("<int:producer_id>/photo/", views.ProducerPhotoApi.as_view(), name="producer-photo"),
    path("<int:producer_id>/products/", views.ProductListApi.as_view(), name="product-list"),
    path("<int:producer_id>/products/csv/", views.ProductCsvApi.as_view(), name="product-csv"),
    path(
        "<int:producer_id>/products/<int:product_id>/",
        views.ProductDetailApi.as_view(),
        name="product-detail",
    ),
    path(
        "<int:producer_id>/products/<int:product_id>/photo/",
        views.ProductPhotoApi.as_view(),
        name="product-photo",
    ),
    path("<int:producer_id>/catalogues/", views.CatalogueListApi.as_view(), name="catalogue-list"),
    path(
        "<int:producer_id>/catalogues/copy-last-week/",
        views.CopyLastWeekApi.as_view(),
        name="catalogue-copy-last-week",
    ),
    path(
        "<int:producer_id>/catalogues/<int:catalogue_id>/",
        views.CatalogueDetailApi.as_view(),
        name="catalogue-detail",
    ),
    path(
        "<int:producer_id>/catalogues/<int:catalogue_id>/publish/",
        views.CataloguePublishApi.as_view(),
        name="catalogue-publish",
    ),
    path(
        "<int:producer_id>/catalogues/<int:catalogue_id>/offers/",
        views.OfferListApi.as_view(),
        name="offer-list",
    ),
    path(
        "<int:producer_id>/catalogues/<int:catalogue_id>/offers/csv/",
        views.OfferCsvApi.as_view(),
        name="offer-csv",
    ),
    path(
        "<int:producer_id>/catalogues/<int:catalogue_id>/offers/<int:offer_id>/",
        views.OfferDetailApi.as_view(),
        name="offer-detail",
    ),
]
