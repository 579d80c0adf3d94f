"""Gardens' jobs: thin. A task imports its service inside the function: the services enqueue
these tasks, so a module-level import would be a cycle."""

from celery import shared_task


@shared_task
def send_offer_email_task(offer_id: int) -> int:
    """E-mail a plot offer to its gardener (only while the offer is still open)."""
    from gardens.emails import send_offer_email
    from gardens.models import Offer

    offer = (
        Offer.objects.select_related("entry__gardener", "plot__garden", "season")
        .filter(pk=offer_id, status=Offer.Status.OPEN)
        .first()
    )
    return send_offer_email(offer) if offer is not None else 0


@shared_task
def expire_offers_task() -> int:
    """Periodic: pass expired offers on to the next gardener (idempotent)."""
    from gardens.services import expire_offers

    return expire_offers()
