"""Periodic jobs of the orders app: thin, each calls a service. A task imports its service
inside the function: the services enqueue tasks, so a module-level import would be a cycle."""

from celery import shared_task

from payments.errors import PaymentUnavailable


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


@shared_task(
    autoretry_for=(PaymentUnavailable,),
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=8,
)
def settle_order_task(order_id: int) -> bool:
    """After the close (or a correction): capture, release or refund one order's card money.
    Retried while Stripe is unreachable; the sweep runs what is still pending later."""
    from orders.services.closing import settle_order

    return settle_order(order_id=order_id)


@shared_task
def settle_pending_orders_task() -> int:
    """Every 5 minutes (CELERY_BEAT_SCHEDULE): orders whose lines sold by weight were never
    weighed are charged at their estimates, and settlements left pending are run again."""
    from orders.services.closing import settle_pending_orders
    from orders.services.weighing import charge_unweighed_orders

    charge_unweighed_orders()
    return len(settle_pending_orders())


# The household's e-mails: each written from the state when it runs, and sent once.
MAIL_RETRY = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5}


@shared_task(**MAIL_RETRY)
def send_order_paid_task(order_id: int) -> int:
    from orders.emails import send_order_paid

    return send_order_paid(order_id=order_id)


@shared_task(**MAIL_RETRY)
def send_order_changed_task(order_id: int, revision: int) -> int:
    from orders.emails import send_order_changed

    return send_order_changed(order_id=order_id, revision=revision)


@shared_task(**MAIL_RETRY)
def send_payment_failed_task(order_id: int, attempt: int) -> int:
    from orders.emails import send_payment_failed

    return send_payment_failed(order_id=order_id, attempt=attempt)


@shared_task(**MAIL_RETRY)
def send_close_result_task(order_id: int) -> int:
    from orders.emails import send_close_result

    return send_close_result(order_id=order_id)


@shared_task(**MAIL_RETRY)
def send_order_weighed_task(order_id: int) -> int:
    """Every line sold by weight of the order is weighed: the household is told its price."""
    from orders.emails import send_order_weighed

    return send_order_weighed(order_id=order_id)
