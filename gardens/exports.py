"""The coordinators' CSV export: one row per active plot for a season (occupancy and fees)."""

from django.utils.translation import gettext as _

from common.csv import csv_text
from gardens.models import Season
from gardens.selectors import plan_for, work_hours


def occupancy_csv(season: Season) -> str:
    plan = plan_for(season.garden, season)
    hours = work_hours(season)
    header = [
        _("plot"),
        _("area (m²)"),
        _("status"),
        _("gardener"),
        _("e-mail"),
        _("fee (EUR)"),
        _("fee paid"),
        _("payment method"),
        _("paid on"),
        _("work hours"),
    ]
    rows = []
    for row in plan.plots:
        r = row.reservation
        rows.append(
            [
                row.plot.code,
                row.plot.area_m2,
                r.get_status_display() if r else _("free"),
                r.gardener.full_name if r else "",
                r.gardener.email if r else "",
                f"{r.fee_cents / 100:.2f}" if r else "",
                (_("yes") if r.fee_paid else _("no")) if r else "",
                r.get_fee_method_display() if r else "",
                r.fee_paid_on.isoformat() if r and r.fee_paid_on else "",
                hours[r.gardener_id] if r else "",
            ]
        )
    return csv_text(header, rows)
