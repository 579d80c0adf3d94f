"""The garden plan as SVG, drawn on the server from the plots' positions (metres).

Each plot is focusable and labelled (code, area, features, state); free plots are buttons.
States differ by colour and by pattern and by a written word, never by colour alone.
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gardens.models import Plot
from gardens.selectors import FREE, RESERVED, YOURS, Plan, PlotOnPlan

SCALE = 10  # SVG units per metre


def feature_labels(plot: Plot) -> list[str]:
    labels = []
    if plot.has_water_point:
        labels.append(_("water point"))
    if plot.is_raised_bed:
        labels.append(_("raised bed"))
    if plot.is_accessible:
        labels.append(_("wheelchair-accessible"))
    if plot.has_shed:
        labels.append(_("shed"))
    return labels


def state_label(row: PlotOnPlan) -> str:
    if row.state == YOURS:
        if row.reservation is not None and row.reservation.status == "pending":
            return _("yours (awaiting approval)")
        return _("yours")
    if row.state == RESERVED:
        return _("on offer") if row.offered and row.reservation is None else _("reserved")
    return _("free")


def plot_description(row: PlotOnPlan, interactive: bool = True) -> str:
    """What a screen reader announces for a plot."""
    parts = [
        _("Plot %(code)s") % {"code": row.plot.code},
        ngettext("%(area)s square metre", "%(area)s square metres", row.plot.area_m2)
        % {"area": row.plot.area_m2},
    ]
    parts.extend(feature_labels(row.plot))
    parts.append(state_label(row))
    if row.state == FREE and interactive:
        parts.append(_("press Enter to reserve"))
    return ", ".join(parts)


def _units(metres) -> str:
    return f"{float(metres) * SCALE:g}"


def _plot_svg(row: PlotOnPlan, interactive: bool) -> SafeString:
    plot = row.plot
    x, y = float(plot.x_m) * SCALE, float(plot.y_m) * SCALE
    w, h = float(plot.width_m) * SCALE, float(plot.height_m) * SCALE
    is_button = interactive and row.state == FREE
    return format_html(
        '<g class="plot plot-{state}" id="plan-plot-{pk}" data-plot="{pk}" data-state="{state}"'
        ' tabindex="0" role="{role}" aria-label="{label}">'
        '<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="3"></rect>'
        '<text x="{cx}" y="{ty}" class="plot-code">{code}</text>'
        '<text x="{cx}" y="{sy}" class="plot-state">{state_text}</text>'
        "</g>",
        state=row.state,
        pk=plot.pk,
        role="button" if is_button else "img",
        label=plot_description(row, interactive),
        x=f"{x:g}",
        y=f"{y:g}",
        w=f"{w:g}",
        h=f"{h:g}",
        cx=f"{x + w / 2:g}",
        ty=f"{y + h / 2 - 2:g}",
        sy=f"{y + h / 2 + 10:g}",
        code=plot.code,
        state_text=state_label(row),
    )


def plan_svg(plan: Plan, *, interactive: bool = False) -> SafeString:
    """The plan of a garden with its plots' state for the plan's season; with ``interactive``
    (the viewer may reserve now) free plots are buttons."""
    garden = plan.garden
    title = _("Plan of %(garden)s") % {"garden": garden.name}
    description = _("%(free)s free plots out of %(total)s.") % {
        "free": plan.free_count,
        "total": len(plan.plots),
    }
    return format_html(
        '<svg class="garden-plan" viewBox="0 0 {w} {h}" role="group"'
        ' aria-labelledby="plan-title plan-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="plan-title">{title}</title><desc id="plan-desc">{desc}</desc>'
        "<defs>"
        '<pattern id="pattern-reserved" width="8" height="8" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate(45)"><rect width="8" height="8" fill="#d9dcd6"></rect>'
        '<line x1="0" y1="0" x2="0" y2="8" stroke="#6b716c" stroke-width="3"></line></pattern>'
        '<pattern id="pattern-yours" width="8" height="8" patternUnits="userSpaceOnUse">'
        '<rect width="8" height="8" fill="#f4c542"></rect>'
        '<circle cx="4" cy="4" r="1.6" fill="#5c4400"></circle></pattern>'
        "</defs>"
        '<rect class="plan-ground" x="0" y="0" width="{w}" height="{h}"></rect>'
        "{plots}</svg>",
        w=_units(garden.plan_width_m),
        h=_units(garden.plan_height_m),
        title=title,
        desc=description,
        plots=format_html_join("", "{}", ((_plot_svg(row, interactive),) for row in plan.plots)),
    )
