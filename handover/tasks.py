"""Distribution-day jobs: thin, each calls a service or writes e-mails from the database. A
task imports its service inside the function: the services enqueue these tasks, so a
module-level import would be a cycle."""

from celery import shared_task


@shared_task
def send_close_emails_task(distribution_id: int) -> int:
    """After a close: picking totals to farms, order count to hosts, cancelled lines to
    households. Reads the closed state, so a rerun sends the same facts."""
    from handover.emails import send_close_emails

    return send_close_emails(distribution_id=distribution_id)


@shared_task
def send_line_corrected_task(line_id: int, given_back_cents: int) -> int:
    """A line marked short after the close: the household is told what comes back."""
    from handover.emails import send_line_corrected

    return send_line_corrected(line_id=line_id, given_back_cents=given_back_cents)


@shared_task
def mark_due_no_shows_task() -> int:
    """Every 5 minutes (CELERY_BEAT_SCHEDULE): after the slot and its grace period, orders
    not collected become no-shows and the distribution is done."""
    from handover.services import mark_due_no_shows

    return len(mark_due_no_shows())


@shared_task
def send_due_reminders_task() -> int:
    """Every 15 minutes (CELERY_BEAT_SCHEDULE): remind households the day before, once."""
    from handover.services import claim_due_reminders

    return len(claim_due_reminders())


@shared_task
def send_reminder_task(order_id: int) -> int:
    from handover.emails import send_reminder

    return send_reminder(order_id=order_id)


@shared_task
def send_cancelled_distribution_emails_task(distribution_id: int) -> int:
    from handover.emails import send_cancelled_distribution_emails

    return send_cancelled_distribution_emails(distribution_id=distribution_id)
