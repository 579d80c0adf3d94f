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

from common import dates
from common.csv import csv_response
from common.errors import DomainError, Invalid
from common.money import format_eur
from handover import exports, reports
from orders.services.corrections import mark_delivered
from orders.services.placing import MAX_QUANTITY
from orders.services.weighing import enter_weight
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
    when = dates.slot(distribution.starts_at, distribution.ends_at)
    title = f"{distribution.pickup_point} — {when}"
    return _render_picking(request, producer, pickings, title=title, filename=name)


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
    return _render_picking(request, producer, pickings, title=dates.week(monday), filename=name)


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


def _grams(request) -> int | None:
    """The weight typed in grams (``1040``, ``1 040``); None when it is not a whole number
    (the service refuses 0 and above 100 kg itself)."""
    text = request.POST.get("weight_g", "").replace(" ", "").replace("\N{NO-BREAK SPACE}", "")
    return int(text) if text.isdigit() else None


def _refusal(exc: DomainError) -> str:
    """A refusal's words for the line: the field's own message when the service names it."""
    field_errors = exc.extra.get("errors") or {}
    messages_ = field_errors.get("weight_g") if isinstance(field_errors, dict) else None
    return str(messages_[0]) if messages_ else str(exc.message)


@login_required
@require_http_methods(["GET", "POST"])
def weighings(request, slug: str, pk: int):
    """The farm's lines sold by weight of a closed distribution, for its phone, by household:
    the real weight of each line in grams (``orders.services.weighing.enter_weight``). Saved,
    the page comes back at the line with its price at that weight; refused, the line shows
    why next to its field. Lines handed over are read-only."""
    producer = producer_for_member(user=request.user, slug=slug)
    distribution = reports.supplied_distribution(producer=producer, pk=pk)
    errors: dict[int, str] = {}
    typed: dict[int, str] = {}
    status = 200
    if request.method == "POST":
        line_id = request.POST.get("line", "")
        if not line_id.isdigit():
            raise Http404
        grams = _grams(request)
        try:
            if grams is None:
                raise Invalid(
                    errors={"weight_g": [_("Enter the weight in grams, from 1 g to 100 kg.")]}
                )
            result = enter_weight(
                producer=producer, line_id=int(line_id), weight_g=grams, by=request.user
            )
        except DomainError as exc:
            errors[int(line_id)] = _refusal(exc)
            typed[int(line_id)] = request.POST.get("weight_g", "")
            status = 400
        else:
            if result.changed:
                messages.success(
                    request,
                    _("%(product)s weighed: %(price)s.")
                    % {
                        "product": result.line.product_name,
                        "price": format_eur(result.line.weighed_cents),
                    },
                )
            url = reverse("frontend:day:producer_weighings", args=[producer.slug, distribution.pk])
            return redirect(f"{url}#line-{line_id}")
    lines = list(reports.producer_lines_by_weight(producer=producer, distribution=distribution))
    return render(
        request,
        "frontend/distribution_day/weighings.html",
        {
            "producer": producer,
            "distribution": distribution,
            "lines": lines,
            "to_weigh": sum(1 for line in lines if line.to_weigh),
            "errors": errors,
            "typed": typed,
        },
        status=status,
    )
