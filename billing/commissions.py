"""The month's commission invoices (state-driven, idempotent), each once the payee's
distributions of the month are over and final (a distribution elsewhere that is late holds
no one else back):

- **the platform to each farm** (``FC-CC-…``): its commission on the farm's sales of the
  month, and on a separate line the pickup points' service (the hosts' share), which the
  platform invoices the farm and pays the hosts; VAT at 20 % (amounts are what was kept
  from the sales, VAT included);
- **each host to the platform** (``FH-H<point>-…``), issued in the host's name under its
  billing mandate (the platform is its customer: self-billing), its commission of the month
  at its pickup point, with VAT or under its regime's mention (293 B for a
  micro-entrepreneur).

A correction after the issue (a refund on a line of the month) lowers the shares: the next
run issues a credit note for the difference. Each payee's documents are issued under its row's
lock (the farm's, the point's), so runs at once issue once.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from billing.final import payable
from billing.invoice_reads import next_month
from billing.invoicing import (
    LineDraft,
    correction_drafts,
    invoicing_blocker,
    issue,
    issue_credit_note,
    party,
    platform_identity,
)
from billing.models import Invoice, Payout
from common import dates
from handover.reports import sold_lines
from pickup.models import Distribution, PickupPoint
from producers import legal
from producers.models import Producer

# The VAT rate of the platform's services (and of a liable host's).
SERVICES_VAT = 2000
# How many past months the sweep looks at (later corrections give credit notes).
MONTHS_CHECKED = 3


def month_span(month: date) -> tuple[datetime, datetime]:
    """The month's first instant and the next month's, in Europe/Paris."""
    zone = timezone.get_default_timezone()
    start = datetime.combine(month, time.min, tzinfo=zone)
    return start, datetime.combine(next_month(month), time.min, tzinfo=zone)


def month_name(month: date) -> str:
    with translation.override("fr"):
        return dates.month(month)


def month_final(month: date, now: datetime, **where) -> bool:
    """The month is over and each of its distributions that took orders (of a farm:
    ``orders__lines__producer_id=…``; at a point: ``pickup_point_id=…``) is final. One that
    took none, or was cancelled, holds nothing back."""
    start, end = month_span(month)
    if now < end:
        return False
    distributions = (
        Distribution.objects.filter(starts_at__gte=start, starts_at__lt=end, **where)
        .exclude(status=Distribution.Status.CANCELLED)
        .filter(orders__isnull=False)
        .distinct()
    )
    return all(payable(d, now) for d in distributions)


def _month_lines(month: date):
    start, end = month_span(month)
    return sold_lines().filter(
        order__distribution__starts_at__gte=start, order__distribution__starts_at__lt=end
    )


def _shares(lines, **where) -> tuple[int, int]:
    sums = lines.filter(**where).aggregate(
        platform=Coalesce(Sum("platform_share_cents"), 0),
        host=Coalesce(Sum("host_share_cents"), 0),
    )
    return sums["platform"], sums["host"]


def farm_drafts(month: date, platform_cents: int, host_cents: int) -> list[LineDraft]:
    name = month_name(month)
    drafts = [
        LineDraft(
            f"Commission Circuit Court sur vos ventes — {name}", 1, SERVICES_VAT, platform_cents
        ),
        LineDraft(
            f"Service des points de retrait (reversé aux hôtes) — {name}",
            1,
            SERVICES_VAT,
            host_cents,
        ),
    ]
    return [draft for draft in drafts if draft.total_incl_cents]


def host_drafts(month: date, point: PickupPoint, host_cents: int) -> list[LineDraft]:
    line = LineDraft(
        f"Commission de point de retrait {point.name} — {month_name(month)}",
        1,
        SERVICES_VAT,
        host_cents,
    )
    return [line] if host_cents else []


def _by_description(row) -> str:
    return row.description


def _settle(existing: Invoice | None, drafts: list[LineDraft], now, create) -> Invoice | None:
    """Issue the month's invoice (``create``), or the credit note bringing it to ``drafts``."""
    if existing is None:
        return create() if drafts else None
    current = {d.description: (d.quantity, d.total_incl_cents, d.unit) for d in drafts}
    corrections = correction_drafts(existing, current, _by_description)
    return issue_credit_note(existing, corrections, now) if corrections else None


def _month_end(month: date) -> date:
    return next_month(month) - timedelta(days=1)


def issue_farm_commission(farm_id: int, month: date, now: datetime) -> Invoice | None:
    with transaction.atomic():
        farm = Producer.objects.select_for_update().get(pk=farm_id)
        platform_cents, host_cents = _shares(_month_lines(month), producer_id=farm_id)
        drafts = farm_drafts(month, platform_cents, host_cents)
        existing = Invoice.objects.filter(
            kind=Invoice.Kind.COMMISSION,
            document=Invoice.Document.INVOICE,
            producer=farm,
            period=month,
        ).first()

        def create() -> Invoice:
            return issue(
                kind=Invoice.Kind.COMMISSION,
                document=Invoice.Document.INVOICE,
                issuer_kind=Invoice.Issuer.PLATFORM,
                issuer_id=None,
                seller=platform_identity(),
                buyer=party(farm),
                lines=drafts,
                vat_liable=True,
                operation_date=_month_end(month),
                now=now,
                producer=farm,
                period=month,
                paid_at=now,  # withheld from the month's payouts
            )

        return _settle(existing, drafts, now, create)


def issue_host_commission(point_id: int, month: date, now: datetime) -> Invoice | None:
    """In the host's name: only under its current mandate, with its identity complete (the
    monthly sweep comes back once they are)."""
    with transaction.atomic():
        point = PickupPoint.objects.select_for_update().get(pk=point_id)
        existing = Invoice.objects.filter(
            kind=Invoice.Kind.HOST,
            document=Invoice.Document.INVOICE,
            pickup_point=point,
            period=month,
        ).first()
        allowed = not invoicing_blocker(Payout.Payee.HOST, point)
        if existing is None and not allowed:
            return None
        _platform, host_cents = _shares(
            _month_lines(month), order__distribution__pickup_point=point
        )
        drafts = host_drafts(month, point, host_cents)

        def create() -> Invoice:
            return issue(
                kind=Invoice.Kind.HOST,
                document=Invoice.Document.INVOICE,
                issuer_kind=Invoice.Issuer.HOST,
                issuer_id=point.pk,
                seller=party(point),
                buyer=platform_identity(),
                lines=drafts,
                vat_liable=point.vat_regime == legal.LIABLE,
                operation_date=_month_end(month),
                now=now,
                pickup_point=point,
                period=month,
                paid_at=now,  # paid by the month's transfers to the host
            )

        return _settle(existing, drafts, now, create)


def issue_month_commissions(month: date, now=None) -> list[Invoice]:
    """Every commission document due for ``month`` (nothing before the month is final)."""
    now = now or timezone.now()
    if now < month_span(month)[1]:
        return []
    lines = _month_lines(month)
    farms = sorted(set(lines.values_list("producer_id", flat=True)))
    points = sorted(set(lines.values_list("order__distribution__pickup_point_id", flat=True)))
    already = Invoice.objects.filter(period=month).filter(
        Q(kind=Invoice.Kind.COMMISSION) | Q(kind=Invoice.Kind.HOST)
    )
    farms = sorted({*farms, *already.exclude(producer=None).values_list("producer_id", flat=True)})
    points = sorted(
        {*points, *already.exclude(pickup_point=None).values_list("pickup_point_id", flat=True)}
    )
    # Each payee once its own distributions of the month are final: one stuck elsewhere
    # holds no one else back.
    issued = [
        issue_farm_commission(farm_id, month, now)
        for farm_id in farms
        if month_final(month, now, orders__lines__producer_id=farm_id)
    ]
    issued += [
        issue_host_commission(point_id, month, now)
        for point_id in points
        if month_final(month, now, pickup_point_id=point_id)
    ]
    return [invoice for invoice in issued if invoice is not None]


def issue_due_commissions(now=None) -> int:
    """The periodic sweep: the last :data:`MONTHS_CHECKED` months."""
    now = now or timezone.now()
    month = timezone.localtime(now).date().replace(day=1)
    issued = 0
    for _ in range(MONTHS_CHECKED):
        month = (month - timedelta(days=1)).replace(day=1)
        issued += len(issue_month_commissions(month, now))
    return issued
