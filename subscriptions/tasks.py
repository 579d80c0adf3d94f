"""Periodic and queued jobs of the subscriptions app: thin, each loads by id and calls a
service. A task imports its service inside the function: the services enqueue these tasks, so
a module-level import would be a cycle."""

from celery import shared_task


@shared_task
def generate_basket_orders_task() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): basket orders for open distributions (idempotent)."""
    from subscriptions.services.baskets import generate_basket_orders

    return len(generate_basket_orders())


@shared_task
def expire_basket_offers_task() -> int:
    """Every 5 minutes (CELERY_BEAT_SCHEDULE): lapsed waiting-list offers pass on; unpaid
    subscriptions lapse and free their place."""
    from subscriptions.services.subscribing import expire_pending_subscriptions
    from subscriptions.services.waitlist import expire_waitlist_offers

    return expire_waitlist_offers() + len(expire_pending_subscriptions())


@shared_task
def send_basket_offer_task(entry_id: int) -> int:
    from subscriptions.emails import send_basket_offer

    return send_basket_offer(entry_id=entry_id)


@shared_task
def credit_missed_weeks_task(distribution_id: int) -> int:
    """After a close (``orders.signals.sale_closed``): basket weeks that brought no basket at
    that distribution become credit (idempotent)."""
    from subscriptions.services.credited import credit_missed_weeks

    return len(credit_missed_weeks(distribution_id=distribution_id))


@shared_task
def credit_all_missed_weeks_task() -> int:
    """Every 15 minutes (CELERY_BEAT_SCHEDULE): the same for every recently closed
    distribution, in case a close's task was lost (idempotent, state-driven)."""
    from subscriptions.services.credited import credit_all_missed_weeks

    return len(credit_all_missed_weeks())


@shared_task
def send_week_credited_task(credited_week_id: int) -> int:
    from subscriptions.emails import send_week_credited

    return send_week_credited(credited_week_id=credited_week_id)
