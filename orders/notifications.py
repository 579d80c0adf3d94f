"""E-mails about orders, written from the state in the database (sent by Celery tasks)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from common.money import format_eur
from orders.models import Order, OrderLine
from orders.reports import producer_picking, sold_lines
from pickup.models import Distribution
from producers.models import Producer


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
    when = distribution.starts_at.strftime("%d/%m/%Y %H:%M")
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
    cancelled = (
        OrderLine.objects.filter(
            order__distribution=distribution,
            cancel_reason=OrderLine.Reason.MINIMUM_NOT_REACHED,
        )
        .select_related("order__household")
        .order_by("order_id", "pk")
    )
    per_household: dict[str, list[OrderLine]] = {}
    for line in cancelled:
        per_household.setdefault(line.order.household.email, []).append(line)
    for email, lines in per_household.items():
        subject = _("Some products of your order will not come")
        body = "\n".join(
            _("%(product)s (%(farm)s): the farm's minimum was not reached, you are not charged.")
            % {"product": line.product_name, "farm": line.producer_name}
            for line in lines
        )
        body += "\n" + _("Amount charged: %(amount)s") % {
            "amount": format_eur(lines[0].order.total_cents)
        }
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [email]))
    return send_mass_mail(messages, fail_silently=False) if messages else 0
