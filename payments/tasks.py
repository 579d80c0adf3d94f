"""Queued jobs of the payments app: thin, each loads by id and calls a service. A task imports
its service inside the function: the services enqueue these tasks."""

from celery import shared_task


@shared_task
def send_topup_received_task(topup_id: int) -> int:
    from payments.emails import send_topup_received

    return send_topup_received(topup_id=topup_id)


@shared_task
def send_pending_withdrawals_task() -> int:
    """Every 10 minutes (CELERY_BEAT_SCHEDULE): credit refunds Stripe did not take yet."""
    from payments.services.withdrawals import send_pending_withdrawals

    return send_pending_withdrawals()
