from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # The account's own part of the personal-data export (profile, tokens, e-mails sent).
        from accounts.personal_data import register
        from accounts.privacy import ACCOUNT_DATA

        register(ACCOUNT_DATA)
