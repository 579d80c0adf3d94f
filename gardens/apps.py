from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GardensConfig(AppConfig):
    name = "gardens"
    verbose_name = _("Gardens")

    def ready(self) -> None:
        # Plots, waiting lists and work days in the personal-data export and erasure.
        from accounts.personal_data import register as register_personal_data
        from gardens.privacy import GARDENS_DATA

        register_personal_data(GARDENS_DATA)
