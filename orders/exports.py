"""CSV exports of the distribution-day reports (the same rows as the pages and the API)."""

from __future__ import annotations

import csv
import io

from django.utils import timezone

from orders.reports import PackingCollection, PointPicking


def _csv(header: list[str], rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _euros(cents: int) -> str:
    return f"{cents / 100:.2f}"


def packing_csv(blocks: list[PackingCollection]) -> str:
    """One row per line of a household's collection: household, pickup code, its orders
    (space-separated ids), farm, product, quantity, amount."""
    return _csv(
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
    return _csv(
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
