"""The household's e-mails about an order: paid (pickup code, point, slot, access notes),
changed or cancelled by the household (what comes back and where), what the close gave back
(line by line, and why), a card declined (what to do). Written from the state in the
database by Celery tasks after the commit, each once (a unique ``accounts.SentEmail`` key),
always to the order's own household, in its language."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.emails import send_once
from common.emails import Email, Section, absolute_url, format_datetime, format_slot
from common.money import format_eur
from common.units import format_grams
from orders.models import PAYMENT_KIND, Order, OrderLine
from orders.services.credit import credit_spent_on
from payments.models import Capture, CreditEntry, Payment, Refund
from payments.services.attempts import holding_money, live_payment
from payments.services.wallet import refunds_to_credit

# Lines the close cancels, and why (in the household's words).
CLOSE_REASONS = (OrderLine.Reason.MINIMUM_NOT_REACHED, OrderLine.Reason.UNPAID)


def _order(order_id: int) -> Order | None:
    return (
        Order.objects.select_related("household", "distribution__pickup_point")
        .filter(pk=order_id)
        .first()
    )


def _greeting(order: Order) -> str:
    name = order.household.get_short_name()
    return _("Hello %(name)s,") % {"name": name}


def _line_label(line: OrderLine, quantity: int | None = None) -> str:
    return _("%(quantity)d × %(product)s (%(farm)s)") % {
        "quantity": line.quantity if quantity is None else quantity,
        "product": line.product_name,
        "farm": line.producer_name,
    }


def _active_lines(order: Order) -> list[OrderLine]:
    return list(order.lines.filter(status=OrderLine.Status.ACTIVE).order_by("pk"))


def _pickup_section(order: Order) -> Section:
    distribution = order.distribution
    point = distribution.pickup_point
    rows = [
        (_("Pickup code"), order.pickup_code),
        (_("Pickup point"), point.name),
        (_("Address"), point.address),
        (_("Slot"), format_slot(distribution.starts_at, distribution.ends_at)),
    ]
    if point.access_instructions:
        rows.append((_("Access"), " ".join(point.access_instructions.split())))
    return Section(title=_("Your pickup"), rows=rows)


def _credit_movements(order: Order, references: list[str]) -> int:
    total = CreditEntry.objects.filter(
        household_id=order.household_id, reference__in=references
    ).aggregate(total=Sum("amount_cents"))["total"]
    return total or 0


def _order_link(order: Order) -> tuple[str, str]:
    return (_("See my order"), absolute_url(f"/commandes/{order.pk}/"))


def _receipt_row(order: Order) -> tuple[str, str]:
    return (_("Receipt"), absolute_url(f"/commandes/{order.pk}/recu/"))


# --- Paid -----------------------------------------------------------------------------------


def send_order_paid(*, order_id: int) -> int:
    """The order is paid (card, credit, or both): once, while it is still to be collected."""
    order = _order(order_id)
    if order is None or order.status not in (Order.Status.PAID, Order.Status.CONFIRMED):
        return 0

    def build() -> Email:
        lines = _active_lines(order)
        credit = credit_spent_on(order)
        card = max(order.total_cents - order.prepaid_cents - credit, 0)
        rows = [(_line_label(line), format_eur(line.total_cents)) for line in lines]
        rows.append((_("Total"), format_eur(order.total_cents)))
        if credit:
            rows.append((_("Paid with your credit"), format_eur(credit)))
        if card:
            rows.append((_("Paid by card"), format_eur(card)))
        rows.append(_receipt_row(order))
        paragraphs = [
            _("Your order no. %(number)s is confirmed and paid. See you on %(slot)s.")
            % {
                "number": order.pk,
                "slot": format_slot(order.distribution.starts_at, order.distribution.ends_at),
            },
            _("Give your pickup code at the pickup point."),
        ]
        held = holding_money(PAYMENT_KIND, order.pk).filter(capture_method=Capture.MANUAL).exists()
        if held:
            paragraphs.append(
                _(
                    "Your card is authorised for this amount; it is charged after the ordering "
                    "closes, only for what the farms really bring."
                )
            )
        return Email(
            subject=_("Order no. %(number)s paid: pickup %(slot)s")
            % {
                "number": order.pk,
                "slot": format_slot(order.distribution.starts_at, order.distribution.ends_at),
            },
            greeting=_greeting(order),
            sections=[
                Section(paragraphs=paragraphs),
                _pickup_section(order),
                Section(title=_("Your order"), rows=rows),
            ],
            action=_order_link(order),
        )

    return send_once(order.household, build, key=f"order-{order.pk}-paid")


# --- Changed or cancelled by the household --------------------------------------------------


def _card_refunds(order: Order, *, reason: str, revision: int | None = None) -> int:
    """Card refunds of the order's payments for ``reason`` (not what was kept as credit)."""
    refunds = Refund.objects.filter(
        payment__purpose_kind=PAYMENT_KIND, payment__purpose_id=order.pk, reason=reason
    ).exclude(stripe_refund_id="credit")
    if revision is not None:
        refunds = refunds.filter(key__endswith=f"-r{revision}")
    return refunds.aggregate(total=Sum("amount_cents"))["total"] or 0


def send_order_changed(*, order_id: int, revision: int) -> int:
    """The household lowered or cancelled the order (its change number ``revision``): once
    per change, what is left and what comes back, to the credit or to the card."""
    order = _order(order_id)
    if order is None or order.revision < revision or order.paid_at is None:
        return 0  # an order never paid has nothing to give back: the page said it all
    cancelled = order.status == Order.Status.CANCELLED

    def build() -> Email:
        credit_back = _credit_movements(order, [f"order-{order.pk}-change-r{revision}"])
        card_back = _card_refunds(order, reason=Refund.Reason.HOUSEHOLD, revision=revision)
        payments = Payment.objects.filter(purpose_kind=PAYMENT_KIND, purpose_id=order.pk)
        authorised = payments.filter(capture_method=Capture.MANUAL)
        if cancelled:
            intro = _("Your order no. %(number)s is cancelled, as you asked.") % {
                "number": order.pk
            }
        else:
            intro = _("Your order no. %(number)s is changed, as you asked.") % {"number": order.pk}
        paragraphs = [intro]
        money = []
        if credit_back:
            money.append((_("Back to your credit"), format_eur(credit_back)))
        if card_back:
            money.append((_("Refunded to your card"), format_eur(card_back)))
            paragraphs.append(_("A card refund reaches your account within 5 to 10 days."))
        if authorised.filter(status="canceled").exists() and cancelled:
            paragraphs.append(_("The authorisation on your card is cancelled: nothing is charged."))
        elif authorised.filter(status="requires_capture").exists():
            paragraphs.append(
                _("Your card is charged after the ordering closes, for %(amount)s at most.")
                % {"amount": format_eur(max(order.total_cents - credit_spent_on(order), 0))}
            )
        sections = [Section(paragraphs=paragraphs)]
        if money:
            sections.append(Section(title=_("What comes back"), rows=money))
        if not cancelled:
            rows = [
                (_line_label(line), format_eur(line.total_cents)) for line in _active_lines(order)
            ]
            rows.append((_("New total"), format_eur(order.total_cents)))
            sections.append(Section(title=_("Your order now"), rows=rows))
            sections.append(_pickup_section(order))
        subject = (
            _("Order no. %(number)s cancelled") if cancelled else _("Order no. %(number)s changed")
        ) % {"number": order.pk}
        return Email(
            subject=subject,
            greeting=_greeting(order),
            sections=sections,
            action=_order_link(order),
        )

    return send_once(order.household, build, key=f"order-{order.pk}-r{revision}")


# --- A card declined ------------------------------------------------------------------------


def send_payment_failed(*, order_id: int, attempt: int) -> int:
    """The card attempt number ``attempt`` of an order failed: once per attempt, and only
    while the order still waits for its payment (no e-mail when another attempt, a twin or
    the next card, paid it meanwhile)."""
    order = _order(order_id)
    if order is None or order.status != Order.Status.AWAITING_PAYMENT:
        return 0
    failed = (
        Payment.objects.filter(purpose_kind=PAYMENT_KIND, purpose_id=order.pk, attempt=attempt)
        .order_by("-pk")
        .first()
    )
    if failed is None or failed.is_live or failed.payer_id != order.household_id:
        return 0
    if live_payment(PAYMENT_KIND, order.pk) is not None:
        return 0
    expires = min(
        order.created_at + timedelta(minutes=settings.ORDER_EXPIRY_MINUTES),
        order.distribution.cutoff_at,
    )

    def build() -> Email:
        amount = max(order.total_cents - credit_spent_on(order), 0)
        return Email(
            subject=_("Payment declined: order no. %(number)s") % {"number": order.pk},
            greeting=_greeting(order),
            sections=[
                Section(
                    paragraphs=[
                        _(
                            "Your card was declined for your order no. %(number)s "
                            "(%(amount)s). Nothing was charged."
                        )
                        % {"number": order.pk, "amount": format_eur(order.total_cents)},
                        _(
                            "Pay again before %(deadline)s, with another card or after "
                            "checking with your bank; after that the order is cancelled and "
                            "its products go back on sale."
                        )
                        % {"deadline": format_datetime(expires)},
                    ],
                    rows=[(_("To pay"), format_eur(amount))],
                ),
            ],
            action=(_("Pay again"), absolute_url(f"/commandes/{order.pk}/paiement/")),
        )

    return send_once(order.household, build, key=f"order-{order.pk}-attempt-{attempt}-failed")


# --- After the close ------------------------------------------------------------------------


def _why(line: OrderLine) -> str:
    if line.cancel_reason == OrderLine.Reason.MINIMUM_NOT_REACHED:
        return _("the farm's minimum order was not reached")
    return _("the order was not paid before the ordering closed")


def orders_to_tell_after_close(*, distribution_id: int) -> list[int]:
    """Orders of the distribution with lines the close cancelled (farm below its minimum,
    not paid in time)."""
    return list(
        OrderLine.objects.filter(
            order__distribution_id=distribution_id, cancel_reason__in=CLOSE_REASONS
        )
        .order_by("order_id")
        .values_list("order_id", flat=True)
        .distinct()
    )


def send_close_result(*, order_id: int) -> int:
    """After the close, an order with lines that will not come: line by line and why, what
    comes back (to the credit, to the card, or never charged) and what is kept. Once."""
    order = _order(order_id)
    if order is None or order.distribution.status == "open":
        return 0
    lines = list(order.lines.filter(cancel_reason__in=CLOSE_REASONS).order_by("pk"))
    if not lines:
        return 0
    unpaid = order.status == Order.Status.EXPIRED

    def build() -> Email:
        given_back = sum(line.total_cents for line in lines)
        rows = [
            (_line_label(line), f"{format_eur(line.total_cents)} — {_why(line)}") for line in lines
        ]
        payments = list(holding_money(PAYMENT_KIND, order.pk)) + list(
            Payment.objects.filter(
                purpose_kind=PAYMENT_KIND, purpose_id=order.pk, status="canceled"
            )
        )
        references = [f"order-{order.pk}-close", f"basket-order-{order.pk}-close"]
        references += [f"payment-{payment.pk}-close" for payment in payments]
        if unpaid:
            references.append(f"order-{order.pk}-expired")
        credit_back = _credit_movements(order, references)
        rest = max(given_back - credit_back, 0)
        manual = any(payment.capture_method == Capture.MANUAL for payment in payments)
        card_back = 0
        if unpaid:
            rest = 0
            paragraphs = [
                _(
                    "Your order no. %(number)s was not paid before the ordering closed: it is "
                    "cancelled and nothing was charged."
                )
                % {"number": order.pk}
            ]
        else:
            paragraphs = [
                ngettext(
                    "One product of your order no. %(number)s will not come:",
                    "Some products of your order no. %(number)s will not come:",
                    len(lines),
                )
                % {"number": order.pk}
            ]
            if rest and not manual and refunds_to_credit(household=order.household):
                credit_back, rest = credit_back + rest, 0
            elif rest and not manual:
                card_back, rest = rest, 0
        money = []
        if credit_back:
            money.append((_("Back to your credit"), format_eur(credit_back)))
        if card_back:
            money.append((_("Refunded to your card"), format_eur(card_back)))
            paragraphs.append(_("A card refund reaches your account within 5 to 10 days."))
        if rest:
            money.append((_("Not charged to your card"), format_eur(rest)))
        if not unpaid:
            money.append((_("Kept for what you collect"), format_eur(order.total_cents)))
            money.append(_receipt_row(order))
        sections = [Section(paragraphs=paragraphs, rows=rows)]
        if money:
            sections.append(Section(title=_("What comes back"), rows=money))
        if order.status == Order.Status.CONFIRMED:
            sections.append(_pickup_section(order))
        return Email(
            subject=_("Order no. %(number)s: what the close changed") % {"number": order.pk},
            greeting=_greeting(order),
            sections=sections,
            action=_order_link(order),
        )

    return send_once(order.household, build, key=f"order-{order.pk}-closed")


def _weighed_value(line: OrderLine) -> str:
    """A line sold by weight in the e-mail: its real weight, its price and the price per kg,
    or that it was charged at its estimate (never weighed)."""
    per_kg = _("%(price)s / kg") % {"price": format_eur(line.price_per_kg_cents)}
    if line.weight_g is None:
        return _("%(price)s (estimated price, not weighed)") % {
            "price": format_eur(line.total_cents)
        }
    return _("%(weight)s: %(price)s (%(per_kg)s)") % {
        "weight": format_grams(line.weight_g),
        "price": format_eur(line.total_cents),
        "per_kg": per_kg,
    }


def send_order_weighed(*, order_id: int) -> int:
    """Every line sold by weight of the order is weighed (or charged at its estimate): once,
    each weighed line with its real weight and price, the order's final total (what is
    captured) and what was authorised (the estimates plus the farm's margin)."""
    order = _order(order_id)
    if order is None:
        return 0
    lines = _active_lines(order)
    weighed = [line for line in lines if line.sold_by_weight]
    if not weighed or any(line.to_weigh for line in weighed):
        return 0

    def build() -> Email:
        authorised = sum(line.most_cents for line in lines)
        paragraphs = [
            ngettext(
                "The product sold by weight of your order no. %(number)s is weighed:",
                "The products sold by weight of your order no. %(number)s are weighed:",
                len(weighed),
            )
            % {"number": order.pk}
        ]
        rows = [(_line_label(line), _weighed_value(line)) for line in weighed]
        money = [
            (_("Total of your order, charged"), format_eur(order.total_cents)),
            (_("Authorised (estimate plus margin)"), format_eur(authorised)),
        ]
        if authorised > order.total_cents:
            paragraphs_after = [
                _("The rest of the authorisation, %(amount)s, is released: it is never charged.")
                % {"amount": format_eur(authorised - order.total_cents)}
            ]
        else:
            paragraphs_after = []
        money.append(_receipt_row(order))
        return Email(
            subject=_("Order no. %(number)s weighed: %(total)s")
            % {"number": order.pk, "total": format_eur(order.total_cents)},
            greeting=_greeting(order),
            sections=[
                Section(paragraphs=paragraphs, rows=rows),
                Section(paragraphs=paragraphs_after, rows=money),
            ],
            action=_order_link(order),
        )

    return send_once(order.household, build, key=f"order-{order.pk}-weighed")
