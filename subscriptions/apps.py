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

        # The credit ledger names the movements of subscriptions in our words.
        from subscriptions.ledger import register as register_ledger_words

        register_ledger_words()

        # After a close, weeks that brought no basket become credit (orders is below us).
        from orders.signals import sale_closed
        from subscriptions.tasks import credit_missed_weeks_task

        def credit_missed_weeks(sender, *, distribution_id: int, **kwargs) -> None:
            credit_missed_weeks_task.delay(distribution_id)

        sale_closed.connect(
            credit_missed_weeks, weak=False, dispatch_uid="subscriptions-credit-missed-weeks"
        )

        # Subscriptions in the personal-data export and erasure.
        from accounts.personal_data import register as register_personal_data
        from subscriptions.privacy import SUBSCRIPTIONS_DATA

        register_personal_data(SUBSCRIPTIONS_DATA)
