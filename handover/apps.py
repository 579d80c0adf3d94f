from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandoverConfig(AppConfig):
    name = "handover"
    verbose_name = _("Distribution day")

    def ready(self) -> None:
        # The close (orders, below this app) announces itself; the e-mails are ours to send.
        from handover.tasks import send_close_emails_task
        from orders.signals import sale_closed

        def send_close_emails(sender, *, distribution_id: int, **kwargs) -> None:
            send_close_emails_task.delay(distribution_id)

        sale_closed.connect(send_close_emails, weak=False, dispatch_uid="handover-close-emails")
