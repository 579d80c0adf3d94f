"""An order's receipt: what was bought from which farm, the VAT per rate, and where the money
came from and went back to — read from the ledgers (the order's payments and their refunds,
the household's credit movements about the order), never recomputed from the order alone.

:func:`build_receipt` is pure (no query): ``orders.selectors.receipt`` reads the rows and
calls it; ``orders.documents`` renders the same receipt as a PDF.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from common.money import VatBreakdown, vat_breakdown
from orders.models import Order, OrderLine
from payments.models import Capture, CreditEntry, Payment, Refund, SavedCard

# Orders whose amounts the close has not settled yet: their receipt is provisional.
PROVISIONAL_STATUSES = (Order.Status.AWAITING_PAYMENT, Order.Status.PAID)

# What a credit movement about an order says, from the last part of its reference
# (``order-<id>-<what>``, ``payment-<id>-close``, ``basket-order-<id>-close``; a correction's
# ``…-<reason>-r<revision>``).
CREDIT_REASONS = {
    "change": Refund.Reason.HOUSEHOLD.label,
    "close": Refund.Reason.CLOSE.label,
    "expired": OrderLine.Reason.EXPIRED.label,
    "distribution": Refund.Reason.DISTRIBUTION_CANCELLED.label,
}


@dataclass
class Seller:
    """A farm and its lines on the receipt (the farm sells; prices VAT included)."""

    producer_id: int
    name: str
    address: str
    lines: list[OrderLine] = field(default_factory=list)

    @property
    def total_cents(self) -> int:
        return sum(
            line.total_cents for line in self.lines if line.status == OrderLine.Status.ACTIVE
        )


@dataclass(frozen=True)
class CardPayment:
    """Money a card gave for the order: ``charged`` (captured) or ``authorised`` (held on
    the card until the close, which captures only what is delivered)."""

    amount_cents: int
    status: str  # "charged" or "authorised"
    at: datetime
    brand: str = ""
    last4: str = ""


@dataclass(frozen=True)
class MoneyBack:
    """Money given back: to the card (a Stripe refund) or to the household's credit."""

    to: str  # "card" or "credit"
    amount_cents: int
    reason: str
    at: datetime


@dataclass
class Receipt:
    order: Order
    sellers: list[Seller]
    vat: VatBreakdown
    prepaid_cents: int  # paid in advance by the AMAP season (a weekly basket)
    credit_used_cents: int  # credit spent on the order (a failed card's share came back)
    cards: list[CardPayment]
    refunds: list[MoneyBack]

    @property
    def provisional(self) -> bool:
        """Before the close settles it, the amounts may still go down."""
        return self.order.status in PROVISIONAL_STATUSES

    @property
    def awaiting_weights(self) -> bool:
        """Some product sold by weight is not weighed yet: its price is an estimate, and the
        card may be charged up to the estimate plus the farm's margin."""
        return any(line.to_weigh for seller in self.sellers for line in seller.lines)

    @property
    def total_cents(self) -> int:
        """Goods kept (active lines), VAT included."""
        return self.vat.total_incl_cents

    @property
    def card_charged_cents(self) -> int:
        return sum(card.amount_cents for card in self.cards if card.status == "charged")

    @property
    def card_authorised_cents(self) -> int:
        return sum(card.amount_cents for card in self.cards if card.status == "authorised")

    @property
    def paid_cents(self) -> int:
        """What the household paid: prepaid, credit, cards charged (a hold is not paid yet)."""
        return self.prepaid_cents + self.credit_used_cents + self.card_charged_cents

    @property
    def card_refunded_cents(self) -> int:
        return sum(back.amount_cents for back in self.refunds if back.to == "card")

    @property
    def credit_refunded_cents(self) -> int:
        return sum(back.amount_cents for back in self.refunds if back.to == "credit")

    @property
    def refunded_cents(self) -> int:
        return self.card_refunded_cents + self.credit_refunded_cents

    @property
    def kept_cents(self) -> int:
        """What the household paid and did not get back: after the close, the goods' total."""
        return self.paid_cents - self.refunded_cents

    @property
    def due_cents(self) -> int:
        """Before the close (or the last weight): what the card held will be charged at most
        (the rest of the hold is released), with the margin of products still to weigh."""
        if not self.card_authorised_cents:
            return 0
        return max(self.total_cents + self.order.margin_cents - self.kept_cents, 0)


def order_credit_references(
    order: Order, payments: Iterable[Payment]
) -> tuple[tuple[str, ...], list[str]]:
    """The credit ledger's references about ``order``: prefixes (``order-<id>-…``; a basket's
    ``basket-order-<id>-…``: its close, and its prepayment given back by a correction) and
    exact references."""
    exact = [f"payment-{p.pk}-close" for p in payments]
    return (f"order-{order.pk}-", f"basket-order-{order.pk}-"), exact


def _cards(order: Order, payments: Iterable[Payment], saved_cards: Mapping[str, SavedCard]):
    cards = []
    for payment in payments:
        if payment.status == "succeeded" and payment.amount_received_cents:
            status, amount = "charged", payment.amount_received_cents
        elif payment.status == "requires_capture":
            status, amount = "authorised", payment.amount_capturable_cents or payment.amount_cents
        else:  # failed, released or never confirmed: the card gave nothing
            continue
        known = saved_cards.get(payment.payment_method_id)  # a card removed since: unnamed
        # An authorisation is captured at the close; a capture at once, when it was paid.
        manual = payment.capture_method == Capture.MANUAL and order.closed_at is not None
        at = order.closed_at if manual else payment.created_at
        cards.append(
            CardPayment(
                amount_cents=amount,
                status=status,
                at=at,
                brand=known.brand if known else "",
                last4=known.last4 if known else "",
            )
        )
    return cards


def _credit_reason(reference: str) -> str:
    what = reference.rsplit("-", 1)[-1]
    if reference.startswith("order-") and "-change-" in reference:
        what = "change"
    return CREDIT_REASONS.get(what, CreditEntry.Reason.REFUND.label)


def build_receipt(
    *,
    order: Order,
    lines: Iterable[OrderLine],
    payments: Iterable[Payment],
    refunds: Iterable[Refund],
    credit_entries: Iterable[CreditEntry],
    saved_cards: Mapping[str, SavedCard],
) -> Receipt:
    """The receipt of ``order`` from its rows (see ``orders.selectors.receipt``).

    - goods: the active lines, per farm, VAT per rate from each line's snapshot rate
      (:func:`common.money.vat_breakdown`: one rounding per rate); cancelled lines are listed,
      not counted;
    - credit used: the credit spent on the order's payments, less what came back when a card
      was declined (that credit never paid anything);
    - cards: captured amounts, or the amount held while the close has not captured it;
    - money back: card refunds (Stripe refunds of the order's payments) and credit given back
      (the order's credit movements, and card money the household chose to keep as credit).
    """
    payments = list(payments)
    sellers: dict[int, Seller] = {}
    active = []
    for line in lines:
        seller = sellers.setdefault(
            line.producer_id,
            Seller(line.producer_id, line.producer_name, line.producer.address),
        )
        seller.lines.append(line)
        if line.status == OrderLine.Status.ACTIVE:
            active.append((line.vat_rate, line.total_cents))
    credit_used = 0
    refunds_back = [
        MoneyBack("card", refund.amount_cents, refund.get_reason_display(), refund.created_at)
        for refund in refunds
        # A refund kept as credit is a credit movement too: counted there, once.
        if refund.stripe_refund_id != "credit"
    ]
    for entry in credit_entries:
        if entry.reason == CreditEntry.Reason.PAYMENT:
            credit_used -= entry.amount_cents
        elif "-declined-" in entry.reference:
            credit_used -= entry.amount_cents  # a declined card's credit came back: not used
        elif entry.amount_cents > 0:
            refunds_back.append(
                MoneyBack(
                    "credit", entry.amount_cents, _credit_reason(entry.reference), entry.created_at
                )
            )
    refunds_back.sort(key=lambda back: back.at)
    return Receipt(
        order=order,
        sellers=sorted(sellers.values(), key=lambda s: (s.name, s.producer_id)),
        vat=vat_breakdown(active),
        prepaid_cents=order.prepaid_cents,
        credit_used_cents=credit_used,
        cards=_cards(order, payments, saved_cards),
        refunds=refunds_back,
    )
