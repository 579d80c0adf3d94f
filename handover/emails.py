"""Distribution-day e-mails (reminder the day before, distribution cancelled), written from
the state in the database and sent by Celery tasks."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail, send_mass_mail
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.models import Order, OrderLine
from pickup.models import Distribution


def _when(distribution: Distribution) -> str:
    start = timezone.localtime(distribution.starts_at)
    end = timezone.localtime(distribution.ends_at)
    return f"{start:%d/%m/%Y %H:%M}–{end:%H:%M}"


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
    from producers.models import Producer

    for producer in Producer.objects.filter(pk__in=list(producer_ids)).prefetch_related("members"):
        members = [m.email for m in producer.members.all()]
        if members:
            body = _("The distribution was cancelled: nothing to bring.")
            messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, members))
    return send_mass_mail(messages, fail_silently=False) if messages else 0
