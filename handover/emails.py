"""Distribution-day e-mails — after the close (picking lists to farms, orders to hand over to
hosts, cancelled lines to households), the reminder the day before, a distribution cancelled —
written from the state in the database and sent by Celery tasks."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.emails import send_once
from accounts.models import User
from common.emails import Email, Section, absolute_url, format_slot
from common.money import format_eur
from common.units import format_grams
from handover.reports import producer_picking, sold_lines
from orders.emails import orders_to_tell_after_close, send_close_result
from orders.models import PAYMENT_KIND as ORDER_KIND
from orders.models import Order, OrderLine
from payments.models import Capture, CreditEntry, Payment, Refund
from payments.services.wallet import refunds_to_credit
from pickup.models import Distribution
from producers.models import Producer
from subscriptions.models import CreditedWeek


def _when(distribution: Distribution) -> str:
    """The slot in Europe/Paris, whatever time zone the worker has active."""
    return format_slot(distribution.starts_at, distribution.ends_at, year=True)


def send_reminder(*, order_id: int) -> int:
    """The day before: where, when, the pickup code. Once per order."""
    order = Order.objects.select_related("household", "distribution__pickup_point").get(pk=order_id)
    if order.status != Order.Status.CONFIRMED:
        return 0
    point = order.distribution.pickup_point

    def build() -> Email:
        rows = [
            (_("Pickup code"), order.pickup_code),
            (_("Pickup point"), point.name),
            (_("Address"), point.address),
            (_("Slot"), format_slot(order.distribution.starts_at, order.distribution.ends_at)),
        ]
        if point.access_instructions:
            rows.append((_("Access"), " ".join(point.access_instructions.split())))
        return Email(
            subject=_("Reminder: your order at %(point)s") % {"point": point.name},
            greeting=_("Hello %(name)s,") % {"name": order.household.get_short_name()},
            sections=[
                Section(
                    paragraphs=[
                        _("Your order at %(point)s is ready to collect: %(when)s.")
                        % {"point": point.name, "when": _when(order.distribution)}
                    ],
                    rows=rows,
                )
            ],
            action=(_("See my order"), absolute_url(f"/commandes/{order.pk}/")),
        )

    return send_once(order.household, build, key=f"order-{order.pk}-reminder", category="reminders")


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


def cancelled_distribution_paragraphs(
    *, distribution: Distribution, back: dict[str, int]
) -> list[str]:
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
    return lines


def _cancelled_subject(distribution: Distribution) -> str:
    return _("Distribution cancelled: %(point)s, %(when)s") % {
        "point": distribution.pickup_point.name,
        "when": _when(distribution),
    }


def send_cancelled_distribution_emails(*, distribution_id: int) -> int:
    """A host cancelled the distribution: each household with orders there is told what
    comes back and where, each member of a farm that had lines there that it has nothing to
    bring — each in their language, text and HTML, once."""
    distribution = Distribution.objects.select_related("pickup_point").get(pk=distribution_id)
    back = given_back_after_cancel(distribution=distribution)
    sent = 0
    for household in User.objects.filter(pk__in=list(back)).order_by("pk"):

        def household_email(household=household) -> Email:
            return Email(
                subject=_cancelled_subject(distribution),
                greeting=_("Hello %(name)s,") % {"name": household.get_short_name()},
                sections=[
                    Section(
                        paragraphs=cancelled_distribution_paragraphs(
                            distribution=distribution, back=back[household.pk]
                        )
                    )
                ],
            )

        key = f"distribution-{distribution.pk}-cancelled-{household.pk}"
        sent += send_once(household, household_email, key=key)
    producer_ids = (
        OrderLine.objects.filter(
            order__distribution=distribution,
            cancel_reason=OrderLine.Reason.DISTRIBUTION_CANCELLED,
        )
        .values_list("producer_id", flat=True)
        .distinct()
    )
    for producer in Producer.objects.filter(pk__in=list(producer_ids)).prefetch_related("members"):
        for member in producer.members.all():

            def farm_email() -> Email:
                return Email(
                    subject=_cancelled_subject(distribution),
                    sections=[
                        Section(paragraphs=[_("The distribution was cancelled: nothing to bring.")])
                    ],
                )

            key = f"distribution-{distribution.pk}-cancelled-{producer.pk}-{member.pk}"
            sent += send_once(member, farm_email, key=key)
    return sent


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
    """After the close, each person in their language, once: each farm member its picking
    list (or why there is nothing to bring), each host the number of orders, each household
    whose lines the close cancelled what comes back (:func:`orders.emails.send_close_result`)."""
    distribution = Distribution.objects.select_related("pickup_point").get(pk=distribution_id)
    point = distribution.pickup_point
    sent = 0
    for farm in _farms_to_tell(distribution=distribution):
        (picking,) = producer_picking(producer=farm, distributions=[distribution])
        quantities = list(picking.quantities())
        for member in farm.members.all():
            key = f"distribution-{distribution.pk}-picking-{farm.pk}-{member.pk}"
            sent += send_once(
                member, partial(_picking_email, distribution, farm, quantities), key=key
            )
    orders = Order.objects.filter(distribution=distribution, status=Order.Status.CONFIRMED)
    count = orders.count()
    for host in point.hosts.all():
        key = f"distribution-{distribution.pk}-host-{host.pk}"
        sent += send_once(host, partial(_host_email, distribution, count), key=key)
    for order_id in orders_to_tell_after_close(distribution_id=distribution.pk):
        sent += send_close_result(order_id=order_id)
    return sent


def _picking_email(distribution: Distribution, farm: Producer, quantities) -> Email:
    point = distribution.pickup_point
    if quantities:
        section = Section(
            paragraphs=[
                _("The sale is closed. Bring, for %(point)s:") % {"point": point.name},
                *(f"{quantity} × {name}" for name, quantity in quantities),
            ],
        )
    else:
        section = Section(
            paragraphs=[_("Your minimum was not reached: nothing to bring this time.")]
        )
    return Email(
        subject=_("Picking list for %(point)s, %(when)s")
        % {"point": point.name, "when": _when(distribution)},
        sections=[section, Section(rows=[(_("Slot"), _when(distribution))])],
        action=(
            _("See the picking list"),
            absolute_url(
                reverse(
                    "frontend:day:producer_picking",
                    kwargs={"slug": farm.slug, "pk": distribution.pk},
                )
            ),
        ),
    )


def _host_email(distribution: Distribution, count: int) -> Email:
    point = distribution.pickup_point
    return Email(
        subject=_("Orders for %(point)s, %(when)s")
        % {"point": point.name, "when": _when(distribution)},
        sections=[
            Section(
                paragraphs=[
                    ngettext(
                        "%(count)d order to hand over.", "%(count)d orders to hand over.", count
                    )
                    % {"count": count}
                ],
                rows=[(_("Slot"), _when(distribution))],
            )
        ],
        action=(
            _("See the packing list"),
            absolute_url(reverse("frontend:day:packing_list", kwargs={"pk": distribution.pk})),
        ),
    )


def send_line_corrected(*, line_id: int, given_back_cents: int) -> int:
    """A farm marked a line short after the close: the household is told, in its language and
    once per correction, which product, how many were delivered, and what comes back where
    (its card or its credit). A line sold by weight weighed lighter after its price was final
    says so: its new weight and price, and what comes back."""
    line = OrderLine.objects.select_related(
        "order__household", "order__distribution__pickup_point"
    ).get(pk=line_id)
    order = line.order
    household = order.household
    delivered = line.quantity if line.status == OrderLine.Status.ACTIVE else 0
    ordered = line.ordered_quantity or line.quantity
    paid_by_card = any(p.holds_money for p in order.payments)
    to_credit = refunds_to_credit(household=household) or not paid_by_card
    last = line.changes.order_by("-pk").first()
    if last is not None and last.reason == OrderLine.Reason.WEIGHED and line.weight_g:
        return _send_weight_corrected(line, given_back_cents=given_back_cents, to_credit=to_credit)

    def build() -> Email:
        paragraphs = [
            _("%(farm)s could not deliver all of your order no. %(order)s at %(point)s, %(when)s.")
            % {
                "farm": line.producer_name,
                "order": order.pk,
                "point": order.distribution.pickup_point.name,
                "when": _when(order.distribution),
            },
            _("%(product)s: ordered %(ordered)s, delivered %(delivered)s.")
            % {"product": line.product_name, "ordered": ordered, "delivered": delivered},
        ]
        if given_back_cents > 0:
            paragraphs.append(
                (
                    _("%(amount)s is added to your credit.")
                    if to_credit
                    else _("%(amount)s is given back to your card (or not charged).")
                )
                % {"amount": format_eur(given_back_cents)}
            )
        return Email(
            subject=_("Order no. %(order)s: %(product)s missing")
            % {"order": order.pk, "product": line.product_name},
            sections=[Section(paragraphs=paragraphs)],
            action=(
                _("See my order"),
                absolute_url(f"/commandes/{order.pk}/"),
            ),
        )

    key = f"order-{order.pk}-line-{line.pk}-delivered-{delivered}"
    return send_once(household, build, key=key)


def _given_back_paragraph(given_back_cents: int, *, to_credit: bool) -> str:
    return (
        _("%(amount)s is added to your credit.")
        if to_credit
        else _("%(amount)s is given back to your card (or not charged).")
    ) % {"amount": format_eur(given_back_cents)}


def _send_weight_corrected(line: OrderLine, *, given_back_cents: int, to_credit: bool) -> int:
    """A line sold by weight weighed again, lighter, after the order's price was final."""
    order = line.order

    def build() -> Email:
        paragraphs = [
            _(
                "%(farm)s corrected the weight of %(product)s in your order no. %(order)s: "
                "%(weight)s, %(price)s."
            )
            % {
                "farm": line.producer_name,
                "product": line.product_name,
                "order": order.pk,
                "weight": format_grams(line.weight_g),
                "price": format_eur(line.total_cents),
            },
        ]
        if given_back_cents > 0:
            paragraphs.append(_given_back_paragraph(given_back_cents, to_credit=to_credit))
        return Email(
            subject=_("Order no. %(order)s: %(product)s weighed again")
            % {"order": order.pk, "product": line.product_name},
            sections=[Section(paragraphs=paragraphs)],
            action=(_("See my order"), absolute_url(f"/commandes/{order.pk}/")),
        )

    key = f"order-{order.pk}-line-{line.pk}-weighed-{line.weight_g}"
    return send_once(order.household, build, key=key)


@dataclass(frozen=True)
class CloseAudience:
    """Who the e-mails after a close reach (what the host is told on screen)."""

    farms: int
    hosts: int
    households: int


def close_audience(*, distribution: Distribution) -> CloseAudience:
    """The farms (with a member to write to), hosts and households that
    :func:`send_close_emails` writes to for this closed distribution: households only when
    the close cancelled some of their lines (:func:`orders.emails.orders_to_tell_after_close`)."""
    farms = sum(1 for farm in _farms_to_tell(distribution=distribution) if farm.members.all())
    orders = orders_to_tell_after_close(distribution_id=distribution.pk)
    households = Order.objects.filter(pk__in=orders).values("household_id").distinct().count()
    return CloseAudience(farms, distribution.pickup_point.hosts.count(), households)
