"""Distribution day: handing orders over, no-shows, reminders, cancelling a distribution."""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from handover.errors import DistributionNotCancellable, NotCollectable, UndoExpired
from handover.tasks import send_cancelled_distribution_emails_task, send_reminder_task
from orders.models import ACTIVE_STATUSES, SOLD_STATUSES, Order, OrderLine
from orders.services.credit import give_back_order_credit
from orders.services.paying import release_or_refund
from orders.services.placing import cancel_lines, lock_distribution
from payments.models import Refund
from pickup.models import Distribution
from pickup.services import move_distribution
from subscriptions.services.credited import credit_cancelled_distribution

logger = logging.getLogger(__name__)

HANDOVER_STATUSES = (Distribution.Status.CLOSED, Distribution.Status.DONE)


def cancellable(distribution: Distribution) -> bool:
    """Whether a host can cancel ``distribution``: its sale has not closed yet."""
    return distribution.status in (Distribution.Status.SCHEDULED, Distribution.Status.OPEN)


def undoable(collected_at) -> bool:
    """Whether a handover made at ``collected_at`` can still be undone
    (``HANDOVER_UNDO_SECONDS``)."""
    if collected_at is None:
        return False
    return timezone.now() - collected_at <= timedelta(seconds=settings.HANDOVER_UNDO_SECONDS)


def _lock_collection(order: Order) -> list[Order]:
    """The household's orders at ``order``'s distribution, locked in pk order."""
    return list(
        Order.objects.select_for_update(of=("self",))
        .select_related("distribution")
        .filter(distribution_id=order.distribution_id, household_id=order.household_id)
        .order_by("pk")
    )


def _the(order: Order, collection: list[Order]) -> Order:
    return next(o for o in collection if o.pk == order.pk)


@transaction.atomic
def mark_collected(*, order: Order, by: User) -> Order:
    """The household took its collection: ``order`` and every other order of the same
    household sold at that distribution (one code, one bag, one tap). Only orders sold at the
    close of a closed (or done) distribution; a late household marked no-show becomes
    collected again. Marking twice changes nothing (the first time and host are kept). Locks
    the household's orders at the distribution in pk order. Returns ``order``."""
    collection = _lock_collection(order)
    order = _the(order, collection)
    if order.distribution.status not in HANDOVER_STATUSES or order.status not in SOLD_STATUSES:
        raise NotCollectable()
    sold = [o for o in collection if o.status in SOLD_STATUSES]
    now = timezone.now()
    for each in sold:
        if each.collected_at is not None and each.status == Order.Status.CONFIRMED:
            continue
        each.status = Order.Status.CONFIRMED
        each.collected_at = now
        each.collected_by = by
        each.save(update_fields=["status", "collected_at", "collected_by"])
    return order


@transaction.atomic
def undo_collected(*, order: Order, by: User) -> Order:
    """Undo a handover marked by mistake, for the whole collection (every sold order of the
    household at that distribution), within ``HANDOVER_UNDO_SECONDS`` of it (409
    ``undo_expired`` after). Undoing a collection not collected changes nothing. Locks the
    household's orders at the distribution in pk order. Returns ``order``."""
    collection = _lock_collection(order)
    order = _the(order, collection)
    collected = [o for o in collection if o.collected_at is not None]
    if not collected:
        return order
    if not all(undoable(o.collected_at) for o in collected):
        raise UndoExpired()
    for each in collected:
        each.collected_at = None
        each.collected_by = None
        each.save(update_fields=["collected_at", "collected_by"])
    return order


def no_show_due_at(distribution: Distribution):
    return distribution.ends_at + timedelta(minutes=settings.NO_SHOW_GRACE_MINUTES)


@transaction.atomic
def mark_no_shows(*, distribution: Distribution) -> int:
    """After the slot and its grace period (``NO_SHOW_GRACE_MINUTES``), confirmed orders of
    households that did not collect become ``no_show``: marked per order, but a collection
    goes as a whole (an order of a household that collected is never a no-show). Then the
    distribution becomes done. State-driven: a closed distribution past its grace only;
    running it again does nothing; collected orders are never touched. Locks the distribution
    row. Returns the number of new no-show orders."""
    distribution = lock_distribution(distribution.pk)
    if distribution.status != Distribution.Status.CLOSED:
        return 0
    if timezone.now() < no_show_due_at(distribution):
        return 0
    # A collection is collected or not: an order of a household that took its bag is not a
    # no-show, even if it was left unmarked.
    took_their_bag = Order.objects.filter(
        distribution=distribution, collected_at__isnull=False
    ).values("household_id")
    marked = (
        Order.objects.filter(
            distribution=distribution, status=Order.Status.CONFIRMED, collected_at__isnull=True
        )
        .exclude(household_id__in=took_their_bag)
        .update(status=Order.Status.NO_SHOW)
    )
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
    """Collections to remind the day before (``REMINDER_HOURS_BEFORE``): confirmed orders of a
    closed distribution starting within that time, not reminded yet. One e-mail per household
    collection (its first order's, whose page lists the others): the household's orders there
    are claimed together with one conditional UPDATE (``reminder_sent_at`` still empty), so two
    runs never remind twice; the e-mails leave after the commit. Returns the orders e-mailed."""
    now = timezone.now()
    due = Order.objects.filter(
        status=Order.Status.CONFIRMED,
        reminder_sent_at__isnull=True,
        distribution__status=Distribution.Status.CLOSED,
        distribution__starts_at__gt=now,
        distribution__starts_at__lte=now + timedelta(hours=settings.REMINDER_HOURS_BEFORE),
    ).order_by("pk")
    claimed = []
    for order_id, household_id, distribution_id in due.values_list(
        "pk", "household_id", "distribution_id"
    ):
        with transaction.atomic():
            if due.filter(household_id=household_id, distribution_id=distribution_id).update(
                reminder_sent_at=now
            ):
                transaction.on_commit(partial(send_reminder_task.delay, order_id))
                claimed.append(order_id)
    return claimed


@transaction.atomic
def cancel_distribution(*, distribution: Distribution) -> int:
    """A host cancels a distribution before its sale closes: every order is cancelled and
    given back in full — authorisations released, captured money refunded through
    :func:`orders.services.paying.release_or_refund`, credit spent on it credited back, and
    what an AMAP season prepaid for its basket credited to the household, the week recorded
    as credited (:func:`subscriptions.services.credited.credit_cancelled_distribution`, which
    also credits the subscriptions due that week whose basket order was not made yet). Stock
    goes back, the distribution becomes cancelled; households (what comes back, and where)
    and farms are told after the commit.

    Only scheduled or open distributions (409 ``distribution_not_cancellable`` otherwise).
    Locks: the distribution, then the subscriptions of its basket weeks in pk order, then its
    orders in pk order. Returns the orders cancelled.
    """
    distribution = lock_distribution(distribution.pk)
    if not cancellable(distribution):
        raise DistributionNotCancellable()
    # The basket weeks prepaid by a season become credit (subscriptions locked before orders).
    credit_cancelled_distribution(distribution=distribution)
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

    transaction.on_commit(partial(send_cancelled_distribution_emails_task.delay, distribution.pk))
    return len(orders)
