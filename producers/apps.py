from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProducersConfig(AppConfig):
    name = "producers"
    verbose_name = _("Producers")

    def ready(self) -> None:
        # Farm memberships in the personal-data export; an erased member leaves.
        from accounts.personal_data import register as register_personal_data
        from producers.privacy import PRODUCERS_DATA

        register_personal_data(PRODUCERS_DATA)
