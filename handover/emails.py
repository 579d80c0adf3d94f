"""Distribution-day e-mails — after the close (picking lists to farms, orders to hand over to
hosts, cancelled lines to households), the reminder the day before, a distribution cancelled —
written from the state in the database and sent by Celery tasks."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail, send_mass_mail
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.money import format_eur
from handover.reports import producer_picking, sold_lines
from orders.models import PAYMENT_KIND as ORDER_KIND
from orders.models import Order, OrderLine
from payments.models import Capture, CreditEntry, Payment, Refund
from pickup.models import Distribution
from producers.models import Producer
from subscriptions.models import CreditedWeek


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


def given_back_after_cancel(*, distribution: Distribution) -> dict[int, dict[str, int]]:
    """What each household gets back from a cancelled distribution, and where: refunded to its
    card, a hold released on its card (nothing was taken), added to its credit (credit spent on
    its orders, and the basket weeks its season prepaid). Read from the money rows (refunds,
    payments, the credit ledger): what the e-mail says is what happened."""
    orders = list(
        Order.objects.filter(
            distribution=distribution,
            status=Order.Status.CANCELLED,
            lines__cancel_reason=OrderLine.Reason.DISTRIBUTION_CANCELLED,
        )
        .values_list("pk", "household_id")
        .distinct()
    )
    household_of = dict(orders)
    back: dict[int, dict[str, int]] = {
        household: {"refunded": 0, "released": 0, "credited": 0}
        for household in household_of.values()
    }
    refunds = Refund.objects.filter(
        payment__purpose_kind=ORDER_KIND,
        payment__purpose_id__in=list(household_of),
        reason=Refund.Reason.DISTRIBUTION_CANCELLED,
    ).values_list("payment__purpose_id", "amount_cents")
    for order_id, amount in refunds:
        back[household_of[order_id]]["refunded"] += amount
    released = Payment.objects.filter(
        purpose_kind=ORDER_KIND,
        purpose_id__in=list(household_of),
        capture_method=Capture.MANUAL,
        status="canceled",
    ).values_list("purpose_id", "amount_cents")
    for order_id, amount in released:
        back[household_of[order_id]]["released"] += amount
    references = [f"order-{pk}-distribution" for pk in household_of]
    references += [
        f"basket-week-{pk}"
        for pk in CreditedWeek.objects.filter(distribution=distribution).values_list(
            "pk", flat=True
        )
    ]
    credited = CreditEntry.objects.filter(
        household_id__in=list(back), reference__in=references
    ).values_list("household_id", "amount_cents")
    for household, amount in credited:
        back[household]["credited"] += amount
    return back


def cancelled_distribution_text(*, distribution: Distribution, back: dict[str, int]) -> str:
    """The household's e-mail: the distribution is cancelled, and each sum that comes back."""
    lines = [
        _("The distribution of %(when)s at %(point)s is cancelled; your orders there are too.")
        % {"when": _when(distribution), "point": distribution.pickup_point.name}
    ]
    if back["refunded"]:
        lines.append(
            _("Refunded to your card: %(amount)s (it shows on your account within a few days).")
            % {"amount": format_eur(back["refunded"])}
        )
    if back["released"]:
        lines.append(
            _("The hold of %(amount)s on your card is released: nothing was charged.")
            % {"amount": format_eur(back["released"])}
        )
    if back["credited"]:
        lines.append(
            _("Added to your credit: %(amount)s (it pays first for your next orders).")
            % {"amount": format_eur(back["credited"])}
        )
    if not any(back.values()):
        lines.append(_("Nothing had been charged to you."))
    return "\n".join(lines)


def send_cancelled_distribution_emails(*, distribution_id: int) -> int:
    distribution = Distribution.objects.select_related("pickup_point").get(pk=distribution_id)
    point = distribution.pickup_point
    when = _when(distribution)
    messages = []
    subject = _("Distribution cancelled: %(point)s, %(when)s") % {
        "point": point.name,
        "when": when,
    }
    back = given_back_after_cancel(distribution=distribution)
    emails = dict(User.objects.filter(pk__in=list(back)).values_list("pk", "email"))
    for household in sorted(back):
        body = cancelled_distribution_text(distribution=distribution, back=back[household])
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [emails[household]]))
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
