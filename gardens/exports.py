"""The coordinators' CSV export: one row per active plot for a season (occupancy and fees), for a
French spreadsheet like every export (``common.csv``)."""

from django.utils.translation import gettext as _

from common.csv import csv_bool, csv_date, csv_text
from common.money import csv_euros
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
                csv_euros(r.fee_cents) if r else "",
                csv_bool(r.fee_paid) if r else "",
                r.get_fee_method_display() if r else "",
                csv_date(r.fee_paid_on) if r else "",
                hours[r.gardener_id] if r else "",
            ]
        )
    return csv_text(header, rows)
