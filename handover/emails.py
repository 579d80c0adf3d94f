"""Distribution-day e-mails — after the close (picking lists to farms, orders to hand over to
hosts, cancelled lines to households), the reminder the day before, a distribution cancelled —
written from the state in the database and sent by Celery tasks."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail, send_mass_mail
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from common.emails import format_slot
from handover.reports import producer_picking, sold_lines
from orders.emails import orders_to_tell_after_close, send_close_result
from orders.models import Order, OrderLine
from pickup.models import Distribution
from producers.models import Producer


def _when(distribution: Distribution) -> str:
    """The slot in Europe/Paris, whatever time zone the worker has active."""
    return format_slot(distribution.starts_at, distribution.ends_at, year=True)


def send_reminder(*, order_id: int) -> int:
    order = Order.objects.select_related("household", "distribution__pickup_point").get(pk=order_id)
    if order.status != Order.Status.CONFIRMED:
        return 0
    point = order.distribution.pickup_point
    lines = [
        _("Your order at %(point)s is ready to collect: %(when)s.")
        % {"point": point.name, "when": _when(order.distribution)},
        _("Pickup code: %(code)s") % {"code": order.pickup_code},
        point.address,
    ]
    if point.access_instructions:
        lines.append(point.access_instructions)
    lines.append(f"{settings.SITE_URL.rstrip('/')}/commandes/{order.pk}/")
    subject = _("Reminder: your order at %(point)s") % {"point": point.name}
    return send_mail(
        subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [order.household.email]
    )


def send_cancelled_distribution_emails(*, distribution_id: int) -> int:
    distribution = Distribution.objects.select_related("pickup_point").get(pk=distribution_id)
    point = distribution.pickup_point
    when = _when(distribution)
    messages = []
    households = (
        Order.objects.filter(distribution=distribution, status=Order.Status.CANCELLED)
        .values_list("household__email", flat=True)
        .distinct()
    )
    subject = _("Distribution cancelled: %(point)s, %(when)s") % {
        "point": point.name,
        "when": when,
    }
    for email in households:
        body = _("The distribution was cancelled. Your order is cancelled and refunded in full.")
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [email]))
    producer_ids = (
        OrderLine.objects.filter(
            order__distribution=distribution,
            cancel_reason=OrderLine.Reason.DISTRIBUTION_CANCELLED,
        )
        .values_list("producer_id", flat=True)
        .distinct()
    )
    for producer in Producer.objects.filter(pk__in=list(producer_ids)).prefetch_related("members"):
        members = [m.email for m in producer.members.all()]
        if members:
            body = _("The distribution was cancelled: nothing to bring.")
            messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, members))
    return send_mass_mail(messages, fail_silently=False) if messages else 0


# --- After the close ------------------------------------------------------------------------


def _farms_to_tell(*, distribution: Distribution) -> QuerySet[Producer]:
    """Farms that sold at the close, and farms whose lines were all cancelled there because
    their minimum was not reached (they are told why)."""
    sold = sold_lines().filter(producer=OuterRef("pk"), order__distribution=distribution)
    below_minimum = OrderLine.objects.filter(
        producer=OuterRef("pk"),
        order__distribution=distribution,
        cancel_reason=OrderLine.Reason.MINIMUM_NOT_REACHED,
    )
    return (
        Producer.objects.filter(Q(Exists(sold)) | Q(Exists(below_minimum)))
        .prefetch_related("members")
        .order_by("name", "pk")
    )


def send_close_emails(*, distribution_id: int) -> int:
    distribution = Distribution.objects.select_related("pickup_point").get(pk=distribution_id)
    when = _when(distribution)
    point = distribution.pickup_point
    messages = []
    for farm in _farms_to_tell(distribution=distribution):
        members = [member.email for member in farm.members.all()]
        if not members:
            continue
        (picking,) = producer_picking(producer=farm, distributions=[distribution])
        body = "\n".join(f"{quantity} × {name}" for name, quantity in picking.quantities())
        if not picking.lines:
            body = _("Your minimum was not reached: nothing to bring this time.")
        subject = _("Picking list for %(point)s, %(when)s") % {"point": point.name, "when": when}
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, members))
    confirmed = Order.objects.filter(distribution=distribution, status=Order.Status.CONFIRMED)
    hosts = list(point.hosts.values_list("email", flat=True))
    if hosts:
        subject = _("Orders for %(point)s, %(when)s") % {"point": point.name, "when": when}
        body = _("%(count)d orders to hand over.") % {"count": confirmed.count()}
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, hosts))
    sent = send_mass_mail(messages, fail_silently=False) if messages else 0
    # Households whose lines the close cancelled: what comes back, line by line (once each).
    for order_id in orders_to_tell_after_close(distribution_id=distribution.pk):
        sent += send_close_result(order_id=order_id)
    return sent
