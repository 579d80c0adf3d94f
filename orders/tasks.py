"""Periodic jobs of the orders app: thin, each calls a service. A task imports its service
inside the function: the services enqueue tasks, so a module-level import would be a cycle."""

from celery import shared_task


@shared_task
def expire_unpaid_orders_task() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): unpaid orders past their time give stock back."""
    from orders.services.placing import expire_unpaid_orders

    return len(expire_unpaid_orders())


@shared_task
def close_due_distributions_task() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): close the sale of distributions past their cutoff."""
    from orders.services.closing import close_due_distributions

    return len(close_due_distributions())
