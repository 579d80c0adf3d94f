"""Queued jobs of the payments app: thin, each loads by id and calls a service. A task imports
its service inside the function: the services enqueue these tasks."""

from celery import shared_task

from payments.errors import PaymentUnavailable


@shared_task
def send_topup_received_task(topup_id: int) -> int:
    from payments.emails import send_topup_received

    return send_topup_received(topup_id=topup_id)


@shared_task
def send_pending_withdrawals_task() -> int:
    """Every 10 minutes (CELERY_BEAT_SCHEDULE): credit refunds Stripe did not take yet."""
    from payments.services.withdrawals import send_pending_withdrawals

    return send_pending_withdrawals()


@shared_task(autoretry_for=(PaymentUnavailable,), retry_backoff=60, max_retries=10)
def delete_stripe_customer_task(customer_id: str) -> None:
    """After an erasure: Stripe forgets the customer (retried while Stripe is down)."""
    from payments import gateway

    gateway.delete_customer(customer_id=customer_id)
