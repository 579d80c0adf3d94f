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
