"""Distribution day: handing orders over, no-shows, reminders, cancelling a distribution."""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from orders.errors import DistributionNotCancellable, NotCollectable, UndoExpired
from orders.models import ACTIVE_STATUSES, Order, OrderLine, Refund
from orders.services.credit import give_back_order_credit
from orders.services.paying import release_or_refund
from orders.services.placing import cancel_lines, lock_distribution
from pickup.models import Distribution
from pickup.services import move_distribution

logger = logging.getLogger(__name__)

HANDOVER_STATUSES = (Distribution.Status.CLOSED, Distribution.Status.DONE)


def _lock_order(order: Order) -> Order:
    return (
        Order.objects.select_for_update(of=("self",))
        .select_related("distribution")
        .get(pk=order.pk)
    )


@transaction.atomic
def mark_collected(*, order: Order, by: User) -> Order:
    """The household took its order. Only orders sold at the close of a closed (or done)
    distribution; a late household marked no-show becomes collected again. Marking twice
    changes nothing (the first time and host are kept). Locks the order row."""
    order = _lock_order(order)
    if order.distribution.status not in HANDOVER_STATUSES or order.status not in (
        Order.Status.CONFIRMED,
        Order.Status.NO_SHOW,
    ):
        raise NotCollectable()
    if order.collected_at is not None:
        return order
    order.status = Order.Status.CONFIRMED
    order.collected_at = timezone.now()
    order.collected_by = by
    order.save(update_fields=["status", "collected_at", "collected_by"])
    return order


@transaction.atomic
def undo_collected(*, order: Order, by: User) -> Order:
    """Undo a handover marked by mistake, within ``HANDOVER_UNDO_SECONDS`` of it (409
    ``undo_expired`` after). Undoing an order not collected changes nothing."""
    order = _lock_order(order)
    if order.collected_at is None:
        return order
    if timezone.now() - order.collected_at > timedelta(seconds=settings.HANDOVER_UNDO_SECONDS):
        raise UndoExpired()
    order.collected_at = None
    order.collected_by = None
    order.save(update_fields=["collected_at", "collected_by"])
    return order


def no_show_due_at(distribution: Distribution):
    return distribution.ends_at + timedelta(minutes=settings.NO_SHOW_GRACE_MINUTES)


@transaction.atomic
def mark_no_shows(*, distribution: Distribution) -> int:
    """After the slot and its grace period (``NO_SHOW_GRACE_MINUTES``), confirmed orders not
    collected become ``no_show`` and the distribution becomes done. State-driven: a closed
    distribution past its grace only; running it again does nothing; collected orders are
    never touched. Locks the distribution row. Returns the number of new no-shows."""
    distribution = lock_distribution(distribution.pk)
    if distribution.status != Distribution.Status.CLOSED:
        return 0
    if timezone.now() < no_show_due_at(distribution):
        return 0
    marked = Order.objects.filter(
        distribution=distribution, status=Order.Status.CONFIRMED, collected_at__isnull=True
    ).update(status=Order.Status.NO_SHOW)
    move_distribution(distribution=distribution, to=Distribution.Status.DONE)
    return marked


def mark_due_no_shows() -> list[int]:
    """Every closed distribution past its slot and grace period (periodic task), each in its
    own transaction. Returns the distributions finished."""
    latest_end = timezone.now() - timedelta(minutes=settings.NO_SHOW_GRACE_MINUTES)
    due = Distribution.objects.filter(
        status=Distribution.Status.CLOSED, ends_at__lte=latest_end
    ).order_by("ends_at", "pk")
    done = []
    for distribution in due:
        mark_no_shows(distribution=distribution)
        done.append(distribution.pk)
    return done


def claim_due_reminders() -> list[int]:
    """Orders to remind the day before (``REMINDER_HOURS_BEFORE``): confirmed, of a closed
    distribution starting within that time, not reminded yet. Each order is claimed with a
    conditional UPDATE (``reminder_sent_at`` still empty), so two runs never remind twice; the
    e-mails leave after the commit."""
    now = timezone.now()
    due = Order.objects.filter(
        status=Order.Status.CONFIRMED,
        reminder_sent_at__isnull=True,
        distribution__status=Distribution.Status.CLOSED,
        distribution__starts_at__gt=now,
        distribution__starts_at__lte=now + timedelta(hours=settings.REMINDER_HOURS_BEFORE),
    ).order_by("pk")
    claimed = []
    for order_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            if Order.objects.filter(pk=order_id, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            ):
                from orders.tasks import send_reminder_task

                transaction.on_commit(partial(send_reminder_task.delay, order_id))
                claimed.append(order_id)
    return claimed


@transaction.atomic
def cancel_distribution(*, distribution: Distribution) -> int:
    """A host cancels a distribution before its sale closes: every order is cancelled and
    refunded in full (authorisations released, captured money refunded through
    :func:`orders.services.paying.release_or_refund`), stock goes back, the distribution
    becomes cancelled; households and farms are told after the commit.

    Only scheduled or open distributions (409 ``distribution_not_cancellable`` otherwise).
    Locks: the distribution, then its orders in pk order. Returns the orders cancelled.
    """
    distribution = lock_distribution(distribution.pk)
    if distribution.status not in (Distribution.Status.SCHEDULED, Distribution.Status.OPEN):
        raise DistributionNotCancellable()
    orders = list(
        Order.objects.select_for_update(of=("self",))
        .filter(distribution=distribution, status__in=ACTIVE_STATUSES)
        .order_by("pk")
    )
    cancel_lines(
        OrderLine.objects.filter(order__in=orders).order_by("pk"),
        reason=OrderLine.Reason.DISTRIBUTION_CANCELLED,
    )
    for order in orders:
        order.status = Order.Status.CANCELLED
        order.save(update_fields=["status"])
        # Credit spent on the order (subscriptions) comes back as credit, the card in money.
        keep = give_back_order_credit(order=order, keep_cents=0, reference="distribution")
        release_or_refund(order=order, keep_cents=keep, reason=Refund.Reason.DISTRIBUTION_CANCELLED)
    move_distribution(distribution=distribution, to=Distribution.Status.CANCELLED)

    from orders.tasks import send_cancelled_distribution_emails_task

    transaction.on_commit(partial(send_cancelled_distribution_emails_task.delay, distribution.pk))
    return len(orders)
