from django.urls import include, path

from frontend.views import account, home, invoices

app_name = "frontend"

urlpatterns = [
    path("", home.home, name="home"),
    path("compte/", account.account, name="account"),
    path("compte/e-mails/", account.email_preferences, name="account_emails"),
    path("compte/donnees/", account.export_data, name="account_export"),
    path("compte/suppression/", account.delete_account, name="account_delete"),
    path("compte/cartes/", account.account_cards, name="account_cards"),
    path("compte/factures/", invoices.household_invoices, name="account_invoices"),
    path("factures/<str:number>.pdf", invoices.invoice_download, name="invoice_pdf"),
    path("compte/cartes/<int:pk>/retirer/", account.remove_card, name="account_cards_remove"),
    path("jardins/", include("frontend.urls_gardens")),
    path("fermes/", include("frontend.urls_farms")),
    path("producteur/", include("frontend.urls_producer")),
    path("commandes/", include("frontend.urls_orders")),
    path("", include("frontend.urls_distribution_day")),
    path("", include("frontend.urls_subscriptions")),
    path("", include("frontend.urls_pickup")),
]
