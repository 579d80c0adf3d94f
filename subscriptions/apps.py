from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = _("AMAP subscriptions")

    def ready(self) -> None:
        # Payments of a season reach this app through its registered purpose.
        from payments.purposes import register
        from subscriptions.services.subscribing import SUBSCRIPTION_PURPOSE

        register(SUBSCRIPTION_PURPOSE)

        from payments.books import register as register_books
        from subscriptions.books import SUBSCRIPTION_LEDGER

        register_books(SUBSCRIPTION_LEDGER)
