from celery import shared_task

from orders import notifications
from orders.services import close_due_distributions, expire_unpaid_orders


@shared_task
def expire_unpaid_orders_task() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): unpaid orders past their time give stock back."""
    return len(expire_unpaid_orders())


@shared_task
def close_due_distributions_task() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): close the sale of distributions past their cutoff."""
    return len(close_due_distributions())


@shared_task
def send_close_emails_task(distribution_id: int) -> int:
    """After a close: picking totals to farms, order count to hosts, cancelled lines to
    households. Reads the closed state, so a rerun sends the same facts."""
    return notifications.send_close_emails(distribution_id=distribution_id)
