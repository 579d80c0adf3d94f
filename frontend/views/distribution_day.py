"""The host's distribution day: packing list (printable, CSV), labels with QR codes, the
handover screen for a phone (search, scan, one tap to mark collected, undo), cancelling.

Every read goes through ``handover.reports`` scoped to the host's own distributions (404 for
anyone else); every write is one service of ``orders.services``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.csv import csv_response
from common.errors import DomainError
from frontend.confirm import confirm_page, is_confirmed
from frontend.views.host import cancel_confirmation, cancelled_message
from handover import exports, reports, services
from orders.models import Order


def _distribution(request, pk: int):
    return reports.hosted_distribution(user=request.user, pk=pk)


@login_required
@require_GET
def packing_list(request, pk: int):
    distribution = _distribution(request, pk)
    blocks = reports.packing_list(distribution=distribution)
    if request.GET.get("format") == "csv":
        return csv_response(exports.packing_csv(blocks), exports.packing_filename(distribution))
    return render(
        request,
        "frontend/distribution_day/packing_list.html",
        {
            "distribution": distribution,
            "blocks": blocks,
            "total_cents": sum(b.total_cents for b in blocks),
        },
    )


@login_required
@require_GET
def labels(request, pk: int):
    distribution = _distribution(request, pk)
    return render(
        request,
        "frontend/distribution_day/labels.html",
        {"distribution": distribution, "blocks": reports.packing_list(distribution=distribution)},
    )


def _handover_context(request, distribution, search: str) -> dict:
    return {
        "distribution": distribution,
        "q": search,
        "blocks": reports.handover_collections(distribution=distribution, search=search)[:100],
        "counts": reports.handover_counts(distribution=distribution),
    }


@login_required
@require_GET
def handover(request, pk: int):
    distribution = _distribution(request, pk)
    context = _handover_context(request, distribution, request.GET.get("q", "")[:100])
    if request.htmx and request.htmx.target == "handover-results":
        return render(request, "frontend/distribution_day/_handover_results.html", context)
    return render(request, "frontend/distribution_day/handover.html", context)


def _after_handover(request, order: Order, *, error: str = ""):
    """htmx: the household's row again (with "undo" for a minute) and the counter; else back
    to the handover screen."""
    if request.htmx:
        counts = reports.handover_counts(distribution=order.distribution)
        return render(
            request,
            "frontend/distribution_day/_handover_row.html",
            {
                "block": reports.collection_of(order=order),
                "counts": counts,
                "oob": True,
                "error": error,
            },
        )
    if error:
        messages.error(request, error)
    url = reverse("frontend:day:handover", args=[order.distribution_id])
    q = request.POST.get("q", "")
    return redirect(f"{url}?{urlencode({'q': q})}" if q else url)


@login_required
@require_POST
def collect(request, pk: int):
    order = reports.hosted_order(user=request.user, pk=pk)
    try:
        order = services.mark_collected(order=order, by=request.user)
    except DomainError as exc:
        return _after_handover(request, order, error=str(exc.message))
    return _after_handover(request, order)


@login_required
@require_POST
def undo(request, pk: int):
    order = reports.hosted_order(user=request.user, pk=pk)
    try:
        order = services.undo_collected(order=order, by=request.user)
    except DomainError as exc:
        return _after_handover(request, order, error=str(exc.message))
    return _after_handover(request, order)


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request, pk: int):
    """Cancel the distribution: its orders are cancelled and paid back. Asked first: GET gives
    the confirm page, a POST without ``confirm=1`` is refused with it."""
    distribution = _distribution(request, pk)
    if not is_confirmed(request):
        return confirm_page(request, cancel_confirmation(distribution))
    try:
        count = services.cancel_distribution(distribution=distribution, by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, cancelled_message(count))
    return redirect("frontend:host_dashboard")
