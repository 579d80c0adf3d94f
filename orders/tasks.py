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


@shared_task
def mark_due_no_shows_task() -> int:
    """Every 5 minutes (CELERY_BEAT_SCHEDULE): after the slot and its grace period, orders
    not collected become no-shows and the distribution is done."""
    from orders.services.handover import mark_due_no_shows

    return len(mark_due_no_shows())


@shared_task
def send_due_reminders_task() -> int:
    """Every 15 minutes (CELERY_BEAT_SCHEDULE): remind households the day before, once."""
    from orders.services.handover import claim_due_reminders

    return len(claim_due_reminders())


@shared_task
def send_reminder_task(order_id: int) -> int:
    from orders import notifications_day

    return notifications_day.send_reminder(order_id=order_id)


@shared_task
def send_cancelled_distribution_emails_task(distribution_id: int) -> int:
    from orders import notifications_day

    return notifications_day.send_cancelled_distribution_emails(distribution_id=distribution_id)


# --- Subscriptions (AMAP baskets) -----------------------------------------------------------


@shared_task
def generate_basket_orders_task() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): basket orders for open distributions (idempotent)."""
    from orders.services.baskets import generate_basket_orders

    return len(generate_basket_orders())


@shared_task
def expire_basket_offers_task() -> int:
    """Every 5 minutes (CELERY_BEAT_SCHEDULE): lapsed waiting-list offers pass on; unpaid
    subscriptions lapse and free their place."""
    from orders.services.subscriptions import expire_pending_subscriptions, expire_waitlist_offers

    return expire_waitlist_offers() + len(expire_pending_subscriptions())


@shared_task
def send_basket_offer_task(entry_id: int) -> int:
    from orders.subscription_emails import send_basket_offer

    return send_basket_offer(entry_id=entry_id)
