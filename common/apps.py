from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = _("Common")

    def ready(self) -> None:
        from django.contrib import admin

        # The operators' admin carries the service's name, in the operator's language.
        admin.site.site_header = _("Circuit Court — administration")
        admin.site.site_title = _("Circuit Court — administration")
        admin.site.index_title = _("Administration")
