from celery import shared_task

from accounts.services import delete_expired_tokens


@shared_task
def delete_expired_tokens_task() -> int:
    """Periodic: delete API tokens past their expiry (idempotent)."""
    return delete_expired_tokens()
