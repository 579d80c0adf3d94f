from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        # Credit top-ups are paid like any other purpose.
        from payments.purposes import register
        from payments.services.topups import TOPUP_PURPOSE

        register(TOPUP_PURPOSE)

        # What top-ups and credit given back to a card hold, for the reconciliation.
        from payments.books import register as register_books
        from payments.topup_books import TOPUP_LEDGER

        register_books(TOPUP_LEDGER)

        # The ledger names top-ups and credit given back to a card in our words.
        from payments.ledger_words import register as register_ledger_words

        register_ledger_words()

        # The household's money in its personal-data export and erasure.
        from accounts.personal_data import register as register_personal_data
        from payments.privacy import PAYMENTS_DATA

        register_personal_data(PAYMENTS_DATA)
