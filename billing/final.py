"""When a distribution's sale is final: what it sold is then money the platform holds, its
farms and hosts may be paid (``billing.services``) and its invoices issued
(``billing.invoicing``)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from orders.models import Settlement
from pickup.models import Distribution


def money_settled(distribution: Distribution) -> bool:
    """Every card of the distribution's orders is settled: nothing waits to be captured,
    weighed or given back (only then is what was sold money the platform holds)."""
    return not Settlement.objects.filter(
        order__distribution=distribution,
        status__in=[Settlement.Status.PENDING, Settlement.Status.WEIGHING],
    ).exists()


def payable(distribution: Distribution, now=None) -> bool:
    """Done (handover over, no-shows marked), or closed ``PAYOUT_DELAY_DAYS`` after its
    end; and its money settled."""
    now = now or timezone.now()
    if distribution.status == Distribution.Status.DONE:
        ready = True
    elif distribution.status == Distribution.Status.CLOSED:
        ready = distribution.ends_at + timedelta(days=settings.PAYOUT_DELAY_DAYS) <= now
    else:
        ready = False
    return ready and money_settled(distribution)
