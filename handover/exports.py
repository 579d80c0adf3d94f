"""CSV exports of the distribution-day reports (the same rows as the pages and the API), for a
French spreadsheet like every export (``common.csv``)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from common.csv import csv_datetime, csv_text
from common.money import csv_euros
from handover.reports import PackingCollection, PointPicking
from pickup.models import Distribution
from producers.models import Producer


def packing_csv(blocks: list[PackingCollection]) -> str:
    """One row per line of a household's collection: household, pickup code, its orders
    (space-separated ids), farm, product, quantity, amount."""
    return csv_text(
        [
            _("Household"),
            _("Pickup code"),
            _("Orders"),
            _("Farm"),
            _("Product"),
            _("Quantity"),
            _("Amount (EUR)"),
        ],
        (
            [
                block.household,
                block.pickup_code,
                " ".join(map(str, block.order_ids)),
                farm.producer_name,
                line.product_name,
                line.quantity,
                csv_euros(line.total_cents),
            ]
            for block in blocks
            for farm in block.farms
            for line in farm.lines
        ),
    )


def picking_csv(pickings: list[PointPicking]) -> str:
    """One row per product and pickup point."""
    return csv_text(
        [
            _("Pickup point"),
            _("Distribution"),
            _("Product"),
            _("Unit price (EUR)"),
            _("Quantity"),
            _("Amount (EUR)"),
        ],
        (
            [
                picking.distribution.pickup_point.name,
                csv_datetime(picking.distribution.starts_at),
                line.product_name,
                csv_euros(line.unit_price_cents),
                line.quantity,
                csv_euros(line.total_cents),
            ]
            for picking in pickings
            for line in picking.lines
        ),
    )


def packing_filename(distribution: Distribution) -> str:
    return f"colisage-{timezone.localtime(distribution.starts_at):%Y-%m-%d}-{distribution.pk}.csv"


def picking_filename(producer: Producer, distribution: Distribution) -> str:
    day = timezone.localtime(distribution.starts_at)
    return f"preparation-{producer.slug}-{day:%Y-%m-%d}-{distribution.pk}.csv"


def week_picking_filename(producer: Producer, monday: date) -> str:
    return f"preparation-{producer.slug}-semaine-{monday:%Y-%m-%d}.csv"
