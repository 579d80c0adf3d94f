"""CSV exports of the distribution-day reports (the same rows as the pages and the API)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from common.csv import csv_text
from handover.reports import PackingCollection, PointPicking
from pickup.models import Distribution
from producers.models import Producer


def _euros(cents: int) -> str:
    return f"{cents / 100:.2f}"


def packing_csv(blocks: list[PackingCollection]) -> str:
    """One row per line of a household's collection: household, pickup code, its orders
    (space-separated ids), farm, product, quantity, amount."""
    return csv_text(
        ["household", "pickup_code", "orders", "producer", "product", "quantity", "amount_eur"],
        (
            [
                block.household,
                block.pickup_code,
                " ".join(map(str, block.order_ids)),
                farm.producer_name,
                line.product_name,
                line.quantity,
                _euros(line.total_cents),
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
            "pickup_point",
            "distribution_start",
            "product",
            "unit_price_eur",
            "quantity",
            "amount_eur",
        ],
        (
            [
                picking.distribution.pickup_point.name,
                timezone.localtime(picking.distribution.starts_at).strftime("%Y-%m-%d %H:%M"),
                line.product_name,
                _euros(line.unit_price_cents),
                line.quantity,
                _euros(line.total_cents),
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
