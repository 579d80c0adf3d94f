from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PickupConfig(AppConfig):
    name = "pickup"
    verbose_name = _("Pickup points")

    def ready(self) -> None:
        # Hosted points in the personal-data export; an erased host leaves.
        from accounts.personal_data import register as register_personal_data
        from pickup.privacy import PICKUP_DATA

        register_personal_data(PICKUP_DATA)
