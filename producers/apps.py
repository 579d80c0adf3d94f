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

        # A product's or farm's photo files go with it, however it is deleted.
        from django.db.models.signals import post_delete

        from producers.models import Producer, Product
        from producers.photos import delete_files_of

        for model in (Producer, Product):
            post_delete.connect(delete_files_of, sender=model, dispatch_uid=f"photos-{model}")
