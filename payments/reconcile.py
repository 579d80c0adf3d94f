"""Proof that nothing is lost: every euro a household paid is kept for goods, refunded to
its card, or in its credit — once.

Per payable thing (an order, a season, a top-up…), with its owner's books
(:mod:`payments.books`)::

    card received − card refunded − credit given back + credit spent + moved in − moved out
        = what it keeps

(a card authorised and not captured yet counts for what it must keep: the close captures that;
the hold may be larger, never smaller). In total: card received and held − card refunded = kept + every household's credit balance − the
movements no thing owns (adjustments). Each household's balance is the sum of its ledger and
never negative; no payment is refunded beyond what it received.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce

from common.money import format_eur
from payments.books import checks, ledgers
from payments.models import CreditEntry, Dispute, Payment, Refund, Transfer, TransferReversal

# Refund rows with these Stripe ids gave nothing back to the card: money kept as credit
# instead, and a withdrawal refund Stripe refused (its money became credit again).
NOT_TO_THE_CARD = ("credit", "refused")


@dataclass
class Account:
    kind: str
    ref: int
    household_id: int
    label: str = ""
    card_received_cents: int = 0
    card_authorised_cents: int = 0  # held on the card, not captured yet
    card_refunded_cents: int = 0
    credit_cents: int = 0  # signed: + given back as credit, − spent on it
    # Money that passed between the card and the credit without being the thing's: what
    # captured card money became as credit (refund rows kept as credit), and credit asked back
    # through this card (withdrawals). A pending settlement counts neither as the card's.
    card_to_credit_cents: int = 0
    credit_to_card_cents: int = 0
    moved_in_cents: int = 0
    moved_out_cents: int = 0
    kept_cents: int = 0
    card_keep_cents: int | None = None  # a settlement is pending (see Holding)

    @property
    def _on_card(self) -> int:
        """What the card payments hold for the thing (neither given back nor turned into
        credit; credit asked back through them was not the thing's money)."""
        return (
            self.card_received_cents
            + self.card_authorised_cents
            - self.card_refunded_cents
            - self.card_to_credit_cents
            + self.credit_to_card_cents
        )

    @property
    def to_settle_cents(self) -> int:
        """What the card holds beyond what a pending settlement lets it keep: to give back."""
        if self.card_keep_cents is None:
            return 0
        return max(self._on_card - self.card_keep_cents, 0)

    @property
    def _base(self) -> int:
        if self.card_keep_cents is not None:
            # The card must hold at least what it is to keep; the rest is on its way back.
            card = min(self._on_card, self.card_keep_cents)
            other_credit = self.credit_cents - self.card_to_credit_cents + self.credit_to_card_cents
            return (
                card - other_credit + self.moved_in_cents - self.moved_out_cents
            ) - self.kept_cents
        return (
            self.card_received_cents
            - self.card_refunded_cents
            - self.credit_cents
            + self.moved_in_cents
            - self.moved_out_cents
            - self.kept_cents
        )

    @property
    def authorised_used_cents(self) -> int:
        """Of the card's hold, what covers what the thing keeps (the close captures that)."""
        if self.card_keep_cents is not None:  # counted whole; the excess is in to_settle_cents
            return self.card_authorised_cents
        return min(self.card_authorised_cents, max(-self._base, 0))

    @property
    def gap_cents(self) -> int:
        """What the thing holds beyond (+) or short of (−) what it must keep; 0 when right.
        A hold on a card may cover more than is kept (the household lowered its order: the
        close captures less), never less."""
        if self.card_keep_cents is not None:
            return self._base
        return self._base + self.authorised_used_cents

    def describe(self) -> str:
        return (
            f"{self.kind} {self.ref} ({self.label or 'household ' + str(self.household_id)}): "
            f"card {format_eur(self.card_received_cents)} (held "
            f"{format_eur(self.card_authorised_cents)}) − refunded "
            f"{format_eur(self.card_refunded_cents)}, credit {self.credit_cents:+d} c, "
            f"moved in {format_eur(self.moved_in_cents)} / out "
            f"{format_eur(self.moved_out_cents)}, keeps {format_eur(self.kept_cents)}: "
            f"off by {self.gap_cents:+d} c"
        )


@dataclass
class Report:
    accounts: int = 0
    card_received_cents: int = 0
    card_authorised_cents: int = 0  # the part of holds on cards that covers what is kept
    card_refunded_cents: int = 0
    to_settle_cents: int = 0  # on cards, to be given back by pending settlements
    kept_cents: int = 0
    credit_balance_cents: int = 0
    unowned_credit_cents: int = 0
    # Sent to the farms' and hosts' accounts, and taken back from them.
    transferred_cents: int = 0
    reversed_cents: int = 0
    # Taken back from the platform by the households' banks (disputes lost).
    disputed_cents: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def total_gap_cents(self) -> int:
        return (
            self.card_received_cents
            + self.card_authorised_cents
            - self.card_refunded_cents
            - self.to_settle_cents
            - self.kept_cents
            - self.credit_balance_cents
            + self.unowned_credit_cents
        )


def card_money() -> tuple[dict[tuple[str, int], list[int]], dict[int, tuple[str, int]]]:
    """(kind, thing id) → [received, held, refunded to the card, kept as credit, credit asked
    back through the card]; and payment id → thing."""
    money: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    owners: dict[int, tuple[str, int]] = {}
    rows = Payment.objects.values_list(
        "pk", "purpose_kind", "purpose_id", "status", "amount_received_cents",
        "amount_capturable_cents",
    )  # fmt: skip
    for pk, kind, ref, status, received, capturable in rows:
        owners[pk] = (kind, ref)
        if status == "succeeded":
            money[(kind, ref)][0] += received
        elif status == "requires_capture":
            money[(kind, ref)][1] += capturable
    to_the_card = ~Q(stripe_refund_id__in=NOT_TO_THE_CARD)
    refunds = (
        Refund.objects.values_list("payment_id")
        .annotate(
            card=Coalesce(Sum("amount_cents", filter=to_the_card), 0),
            as_credit=Coalesce(Sum("amount_cents", filter=Q(stripe_refund_id="credit")), 0),
            withdrawn=Coalesce(
                Sum("amount_cents", filter=to_the_card & Q(reason=Refund.Reason.WITHDRAWAL)), 0
            ),
        )
        .order_by()
    )
    for payment_id, card, as_credit, withdrawn in refunds:
        thing = money[owners[payment_id]]
        thing[2] += card
        thing[3] += as_credit
        thing[4] += withdrawn
    return money, owners


def reconcile() -> Report:
    """Check every payable thing and every household's credit; what does not add up is in
    ``problems`` (one line each, readable by an operator)."""
    report = Report()
    money, payment_owners = card_money()
    references = dict(CreditEntry.objects.values_list("pk", "reference"))
    amounts = dict(CreditEntry.objects.values_list("pk", "amount_cents"))
    owned: dict[int, tuple[str, int]] = {}
    accounts: dict[tuple[str, int], Account] = {}
    for ledger in ledgers():
        for entry, (kind, ref) in ledger.credit_owners(references, payment_owners).items():
            if entry in owned:
                report.problems.append(
                    f"credit movement {entry} ({references[entry]}) is claimed by "
                    f"{owned[entry][0]} {owned[entry][1]} and by {kind} {ref}"
                )
            owned[entry] = (kind, ref)
        for holding in ledger.holdings():
            accounts[(holding.kind, holding.ref)] = Account(
                kind=holding.kind,
                ref=holding.ref,
                household_id=holding.household_id,
                label=holding.label,
                kept_cents=holding.kept_cents,
                moved_in_cents=holding.moved_in_cents,
                moved_out_cents=holding.moved_out_cents,
                card_keep_cents=holding.card_keep_cents,
            )
            report.problems.extend(
                f"{holding.kind} {holding.ref}: {problem}" for problem in holding.problems
            )
    for entry, (kind, ref) in owned.items():
        account = accounts.get((kind, ref))
        if account is None:
            report.problems.append(f"credit movement {entry} names {kind} {ref}, which is gone")
            continue
        account.credit_cents += amounts[entry]
    for (kind, ref), (received, held, refunded, as_credit, withdrawn) in money.items():
        account = accounts.get((kind, ref))
        if account is None:
            report.problems.append(f"payments for {kind} {ref}, which no app counts")
            continue
        account.card_received_cents += received
        account.card_authorised_cents += held
        account.card_refunded_cents += refunded
        account.card_to_credit_cents += as_credit
        account.credit_to_card_cents += withdrawn
    report.accounts = len(accounts)
    moved = 0
    for account in accounts.values():
        report.card_received_cents += account.card_received_cents
        report.card_authorised_cents += account.authorised_used_cents
        report.card_refunded_cents += account.card_refunded_cents
        report.to_settle_cents += account.to_settle_cents
        report.kept_cents += account.kept_cents
        moved += account.moved_in_cents - account.moved_out_cents
        if account.gap_cents:
            report.problems.append(account.describe())
    if moved:
        report.problems.append(f"money moved between things does not add up: {moved:+d} c")
    report.unowned_credit_cents = sum(
        amount for entry, amount in amounts.items() if entry not in owned
    )
    for entry in set(amounts) - set(owned):
        if not CreditEntry.objects.filter(pk=entry, reason=CreditEntry.Reason.ADJUSTMENT).exists():
            report.problems.append(
                f"credit movement {entry} ({references[entry]}) belongs to nothing"
            )
    _check_balances(report)
    _check_refunds(report)
    _check_transfers(report)
    for check in checks():
        report.problems.extend(check())
    if report.total_gap_cents:
        report.problems.append(
            f"in total, card money {format_eur(report.card_received_cents)} + held "
            f"{format_eur(report.card_authorised_cents)} − refunded "
            f"{format_eur(report.card_refunded_cents)} − to give back "
            f"{format_eur(report.to_settle_cents)} ≠ kept {format_eur(report.kept_cents)} "
            f"+ credit {format_eur(report.credit_balance_cents)}: off by "
            f"{report.total_gap_cents:+d} c"
        )
    return report


def _check_balances(report: Report) -> None:
    balances = CreditEntry.objects.values_list("household_id", "household__email").annotate(
        total=Sum("amount_cents")
    )
    for household_id, email, total in balances:
        report.credit_balance_cents += total
        if total < 0:
            report.problems.append(
                f"household {household_id} ({email}) has a negative credit: {total} c"
            )


def _check_refunds(report: Report) -> None:
    """No card is refunded beyond what it paid (what was kept as credit is not a refund)."""
    to_card = Sum("refunds__amount_cents", filter=~Q(refunds__stripe_refund_id__in=NOT_TO_THE_CARD))
    over = (
        Payment.objects.annotate(refunded=to_card)
        .filter(Q(refunded__gt=0))
        .values_list("pk", "amount_received_cents", "refunded")
    )
    for pk, received, refunded in over:
        if refunded > received:
            report.problems.append(
                f"payment {pk} is refunded {format_eur(refunded)} of {format_eur(received)}"
            )


def _check_transfers(report: Report) -> None:
    """No transfer is reversed beyond its amount, and the platform never sent out more than
    the cards brought in (separate charges and transfers: it pays from its own balance)."""
    sent = Transfer.objects.filter(status=Transfer.Status.SENT)
    report.transferred_cents = sent.aggregate(total=Coalesce(Sum("amount_cents"), 0))["total"]
    back = TransferReversal.objects.filter(status=TransferReversal.Status.SENT)
    report.reversed_cents = back.aggregate(total=Coalesce(Sum("amount_cents"), 0))["total"]
    over = sent.annotate(
        back=Coalesce(
            Sum(
                "reversals__amount_cents", filter=Q(reversals__status=TransferReversal.Status.SENT)
            ),
            0,
        )
    ).filter(back__gt=F("amount_cents"))
    for transfer in over:
        report.problems.append(
            f"transfer {transfer} is reversed {format_eur(transfer.back)} of "
            f"{format_eur(transfer.amount_cents)}"
        )
    reversed_unsent = TransferReversal.objects.filter(status=TransferReversal.Status.SENT).exclude(
        transfer__status=Transfer.Status.SENT
    )
    for reversal in reversed_unsent:
        report.problems.append(f"reversal {reversal} takes back a transfer that was never sent")
    # What the platform holds: card money kept, and credit it gave itself (adjustments), less
    # what the banks took back (disputes lost) and what destination charges sent straight to
    # the farms (their refunds took it back in proportion).
    report.disputed_cents = Dispute.objects.filter(status=Dispute.Status.LOST).aggregate(
        total=Coalesce(Sum("amount_cents"), 0)
    )["total"]
    funds = (
        report.card_received_cents
        - report.card_refunded_cents
        - report.disputed_cents
        + report.unowned_credit_cents
    )
    destination = (
        Payment.objects.exclude(seller_account_id="")
        .filter(amount_received_cents__gt=0)
        .annotate(back=Coalesce(Sum("refunds__amount_cents"), 0))
    )
    for payment in destination:
        seller_part = payment.amount_received_cents - payment.application_fee_cents
        funds -= seller_part - seller_part * payment.back // payment.amount_received_cents
    out = report.transferred_cents - report.reversed_cents
    if out > funds:
        report.problems.append(
            f"the platform sent {format_eur(out)} to farms and hosts but holds "
            f"{format_eur(funds)} (cards and adjustments)"
        )
