"""A farm's sales after the close: picking totals per distribution and per week (printable,
one page per pickup point, and CSV), and its statement. Only the member's own farm, only its
own lines (``handover.reports``); any other farm is a 404."""

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from common.csv import csv_response
from handover import exports, reports
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
