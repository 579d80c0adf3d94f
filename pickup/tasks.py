from celery import shared_task

from pickup.services import open_due_distributions


@shared_task
def open_due_distributions_task() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): open the distributions whose window has begun."""
    return len(open_due_distributions())
