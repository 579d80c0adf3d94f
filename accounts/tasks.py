from dataclasses import asdict

from celery import shared_task

from accounts.services import delete_expired_tokens


@shared_task
def delete_expired_tokens_task() -> int:
    """Periodic: delete API tokens past their expiry (idempotent)."""
    return delete_expired_tokens()


@shared_task
def apply_retention_task() -> dict:
    """Daily (CELERY_BEAT_SCHEDULE): warn and erase inactive accounts, purge what expired."""
    from accounts.retention import apply_retention

    return asdict(apply_retention())


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def build_personal_data_export_task(user_id: int) -> str:
    """A large personal-data export: built, stored, its link mailed to its owner."""
    from accounts.exports import build_and_mail_export

    return build_and_mail_export(user_id=user_id)
