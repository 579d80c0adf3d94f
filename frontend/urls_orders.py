"""Households' order pages (French paths)."""

from django.urls import path

from frontend.views import orders

app_name = "orders"

urlpatterns = [
    path("", orders.order_list, name="list"),
    path("<int:pk>/", orders.order_detail, name="detail"),
    path("<int:pk>/modifier/", orders.order_change, name="change"),
    path("<int:pk>/recu/", orders.order_receipt, name="receipt"),
    path("<int:pk>/recu.pdf", orders.order_receipt_pdf, name="receipt_pdf"),
    path("<int:pk>/paiement/", orders.order_pay, name="pay"),
    path("<int:pk>/paiement/verifier/", orders.order_payment_refresh, name="payment_refresh"),
    path("panier/<int:pk>/", orders.basket_update, name="basket_update"),
    path("panier/<int:pk>/commander/", orders.checkout, name="checkout"),
]
