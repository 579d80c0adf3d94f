from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandoverConfig(AppConfig):
    name = "handover"
    verbose_name = _("Distribution day")

    def ready(self) -> None:
        # The close (orders, below this app) announces itself; the e-mails are ours to send.
        from handover.tasks import send_close_emails_task, send_line_corrected_task
        from orders.signals import line_corrected, sale_closed

        def send_close_emails(sender, *, distribution_id: int, **kwargs) -> None:
            send_close_emails_task.delay(distribution_id)

        sale_closed.connect(send_close_emails, weak=False, dispatch_uid="handover-close-emails")

        def send_line_corrected(sender, *, line_id: int, given_back_cents: int, **kwargs) -> None:
            send_line_corrected_task.delay(line_id, given_back_cents)

        line_corrected.connect(
            send_line_corrected, weak=False, dispatch_uid="handover-line-corrected-email"
        )
