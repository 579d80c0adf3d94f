"""A farm's sales after the close: picking totals per distribution and per week (printable,
one page per pickup point, and CSV), and its statement. Only the member's own farm, only its
own lines (``handover.reports``); any other farm is a 404."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common.csv import csv_response
from common.errors import DomainError
from handover import exports, reports
from orders.services.corrections import mark_delivered
from orders.services.placing import MAX_QUANTITY
from producers.selectors import producer_for_member


@login_required
@require_GET
def index(request, slug: str):
    producer = producer_for_member(user=request.user, slug=slug)
    distributions = list(reports.supplied_distributions(producer=producer)[:30])
    weeks = sorted({d.week for d in distributions}, reverse=True)
    return render(
        request,
        "frontend/distribution_day/producer_index.html",
        {"producer": producer, "distributions": distributions, "weeks": weeks},
    )


def _render_picking(request, producer, pickings, *, title: str, filename: str):
    if request.GET.get("format") == "csv":
        return csv_response(exports.picking_csv(pickings), filename)
    return render(
        request,
        "frontend/distribution_day/picking.html",
        {
            "producer": producer,
            "pickings": pickings,
            "title": title,
            "total_cents": sum(p.total_cents for p in pickings),
        },
    )


@login_required
@require_GET
def picking(request, slug: str, pk: int):
    producer = producer_for_member(user=request.user, slug=slug)
    distribution = reports.supplied_distribution(producer=producer, pk=pk)
    pickings = reports.producer_picking(producer=producer, distributions=[distribution])
    name = exports.picking_filename(producer, distribution)
    return _render_picking(request, producer, pickings, title=str(distribution), filename=name)


@login_required
@require_GET
def week_picking(request, slug: str, week: str):
    producer = producer_for_member(user=request.user, slug=slug)
    try:
        monday = date.fromisoformat(week)
    except ValueError:
        raise Http404 from None
    monday -= timedelta(days=monday.weekday())
    distributions = reports.week_distributions(producer=producer, week=monday)
    pickings = reports.producer_picking(producer=producer, distributions=distributions)
    name = exports.week_picking_filename(producer, monday)
    return _render_picking(request, producer, pickings, title=f"{monday:%d/%m/%Y}", filename=name)


@login_required
@require_GET
def statement(request, slug: str, pk: int):
    producer = producer_for_member(user=request.user, slug=slug)
    distribution = reports.supplied_distribution(producer=producer, pk=pk)
    return render(
        request,
        "frontend/distribution_day/statement.html",
        {
            "producer": producer,
            "distribution": distribution,
            "statement": reports.producer_statement(producer=producer, distribution=distribution),
        },
    )


def _delivered(request) -> int | None:
    if "short" in request.POST:
        return 0
    try:
        value = int(request.POST.get("delivered", ""))
    except ValueError:
        return None
    return value if 0 <= value <= MAX_QUANTITY else None


@login_required
@require_http_methods(["GET", "POST"])
def corrections(request, slug: str, pk: int):
    """The farm's lines of a closed distribution, for its phone: "missing" or the quantity
    delivered per line; the household gets the difference back. Each line shows its changes."""
    producer = producer_for_member(user=request.user, slug=slug)
    distribution = reports.supplied_distribution(producer=producer, pk=pk)
    if request.method == "POST":
        delivered = _delivered(request)
        line_id = request.POST.get("line", "")
        if delivered is None or not line_id.isdigit():
            messages.error(request, _("Enter the quantity delivered (0 or more)."))
        else:
            try:
                result = mark_delivered(
                    producer=producer, line_id=int(line_id), delivered=delivered, by=request.user
                )
            except DomainError as exc:
                messages.error(request, str(exc.message))
            else:
                if result.changed:
                    messages.success(
                        request,
                        _("Line corrected: the household gets the difference back."),
                    )
        url = reverse("frontend:day:producer_corrections", args=[producer.slug, distribution.pk])
        return redirect(f"{url}#line-{line_id}" if line_id.isdigit() else url)
    return render(
        request,
        "frontend/distribution_day/corrections.html",
        {
            "producer": producer,
            "distribution": distribution,
            "lines": reports.producer_lines(producer=producer, distribution=distribution),
        },
    )
