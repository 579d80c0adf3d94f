"""The host's dashboard: their pickup point(s), distributions, farms asking to come.

Every POST goes to one service; a refusal is shown on the form that was sent, and the
dashboard is rendered again with it (status 400) so nothing typed is lost.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common import dates
from common.errors import DomainError
from common.forms import add_domain_error
from frontend.confirm import Confirmation, confirm_page, is_confirmed
from handover.emails import close_audience
from handover.services import cancel_distribution
from orders.models import Order, OrderLine
from orders.services import close_distribution
from pickup import selectors, services
from pickup.models import Distribution, PickupPoint, Supplier
from pickup.schedule import local_datetime

# Distributions whose orders are still to hand over.
WAITING_DISTRIBUTIONS = (
    Distribution.Status.SCHEDULED,
    Distribution.Status.OPEN,
    Distribution.Status.CLOSED,
)

WEEKDAYS = [
    (0, gettext_lazy("Monday")),
    (1, gettext_lazy("Tuesday")),
    (2, gettext_lazy("Wednesday")),
    (3, gettext_lazy("Thursday")),
    (4, gettext_lazy("Friday")),
    (5, gettext_lazy("Saturday")),
    (6, gettext_lazy("Sunday")),
]


class PointForm(forms.ModelForm):
    class Meta:
        model = PickupPoint
        fields = [
            "name",
            "description",
            "address",
            "access_instructions",
            "capacity",
            "opens_days",
            "cutoff_hours",
            "is_active",
            "legal_name",
            "siret",
            "vat_regime",
            "vat_number",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "access_instructions": forms.Textarea(attrs={"rows": 3}),
        }


class DistributionForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    starts = forms.TimeField(
        label=gettext_lazy("From"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    ends = forms.TimeField(label=gettext_lazy("To"), widget=forms.TimeInput(attrs={"type": "time"}))


class WeeklyForm(forms.Form):
    weekday = forms.TypedChoiceField(label=gettext_lazy("Every"), choices=WEEKDAYS, coerce=int)
    starts = forms.TimeField(
        label=gettext_lazy("From"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    ends = forms.TimeField(label=gettext_lazy("To"), widget=forms.TimeInput(attrs={"type": "time"}))
    weeks = forms.IntegerField(
        label=gettext_lazy("Number of weeks"), min_value=1, max_value=services.MAX_WEEKS, initial=8
    )
    first_date = forms.DateField(
        label=gettext_lazy("Starting on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Leave empty to start tomorrow."),
    )


def _dashboard(request, *, bound: dict | None = None, status: int = 200):
    """Render the dashboard; ``bound`` replaces one point's form by the one just sent."""
    bound = bound or {}
    sections = []
    points = selectors.host_dashboard_points(user=request.user)
    waiting = waiting_orders(
        suppliers=[
            supplier
            for point in points
            for supplier in point.dashboard_suppliers
            if supplier.status == Supplier.Status.APPROVED
        ]
    )
    today = timezone.localdate()
    for point in points:
        sent = bound.get(point.pk, {})
        sections.append(
            {
                "point": point,
                "point_form": sent.get("point") or PointForm(instance=point, prefix=f"p{point.pk}"),
                "distribution_form": sent.get("distribution")
                or DistributionForm(prefix=f"d{point.pk}"),
                "weekly_form": sent.get("weekly") or WeeklyForm(prefix=f"w{point.pk}"),
                "distributions": [
                    {
                        "distribution": d,
                        "close": close_confirmation(d, paid=d.orders_paid),
                        "cancel": cancel_confirmation(d, active=d.orders_active),
                    }
                    for d in point.dashboard_distributions
                ],
                # Distribution day: today's closed sales lead the section.
                "today": [
                    d
                    for d in point.dashboard_distributions
                    if d.status == Distribution.Status.CLOSED
                    and timezone.localdate(d.starts_at) == today
                ],
                "suppliers": [
                    {
                        "supplier": supplier,
                        "stop": stop_supply_confirmation(supplier, waiting=waiting[supplier.pk])
                        if supplier.pk in waiting
                        else None,
                    }
                    for supplier in point.dashboard_suppliers
                ],
            }
        )
    return render(
        request,
        "frontend/host/dashboard.html",
        {"sections": sections},
        status=status,
    )


@login_required
@require_GET
def dashboard(request):
    return _dashboard(request)


@login_required
@require_POST
def point_update(request, pk: int):
    point = selectors.hosted_point(user=request.user, pk=pk)
    form = PointForm(request.POST, instance=PickupPoint.objects.get(pk=point.pk), prefix=f"p{pk}")
    if form.is_valid():
        changes = {f: form.cleaned_data[f] for f in form.changed_data}
        try:
            services.update_pickup_point(pickup_point=point, changes=changes)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Pickup point saved."))
            return redirect("frontend:host_dashboard")
    return _dashboard(request, bound={pk: {"point": form}}, status=400)


@login_required
@require_POST
def distribution_create(request, pk: int):
    point = selectors.hosted_point(user=request.user, pk=pk)
    form = DistributionForm(request.POST, prefix=f"d{pk}")
    if form.is_valid():
        day = form.cleaned_data["date"]
        try:
            services.schedule_distribution(
                pickup_point=point,
                starts_at=local_datetime(day, form.cleaned_data["starts"]),
                ends_at=local_datetime(day, form.cleaned_data["ends"]),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Distribution scheduled."))
            return redirect("frontend:host_dashboard")
    return _dashboard(request, bound={pk: {"distribution": form}}, status=400)


@login_required
@require_POST
def distribution_weekly(request, pk: int):
    point = selectors.hosted_point(user=request.user, pk=pk)
    form = WeeklyForm(request.POST, prefix=f"w{pk}")
    if form.is_valid():
        try:
            created = services.schedule_weekly_distributions(
                pickup_point=point, **form.cleaned_data
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            count = len(created)
            messages.success(
                request,
                ngettext(
                    "%(count)d distribution scheduled.", "%(count)d distributions scheduled.", count
                )
                % {"count": count},
            )
            return redirect("frontend:host_dashboard")
    return _dashboard(request, bound={pk: {"weekly": form}}, status=400)


def _count_orders(distribution: Distribution, statuses) -> int:
    return distribution.orders.filter(status__in=statuses).count()


def cancel_confirmation(distribution: Distribution, *, active: int | None = None) -> Confirmation:
    """Asked before cancelling a distribution: how many orders are cancelled and paid back."""
    if active is None:
        active = _count_orders(distribution, selectors.ORDER_ACTIVE_STATUSES)
    if active:
        consequence = ngettext(
            "%(count)d order will be cancelled and refunded; its household is told by e-mail.",
            "%(count)d orders will be cancelled and refunded; their households are told by e-mail.",
            active,
        ) % {"count": active}
    else:
        consequence = _("It has no order yet; nobody is charged.")
    return Confirmation(
        action=reverse("frontend:day:cancel", args=[distribution.pk]),
        title=_("Cancel the distribution of %(date)s?")
        % {"date": dates.day_month(distribution.starts_at)},
        consequence=consequence,
        confirm_label=_("Yes, cancel the distribution"),
        back=reverse("frontend:host_dashboard"),
    )


def close_confirmation(distribution: Distribution, *, paid: int | None = None) -> Confirmation:
    """Asked before closing a sale: how many paid orders are charged now."""
    if paid is None:
        paid = _count_orders(distribution, ["paid"])
    return Confirmation(
        action=reverse("frontend:host_distribution_close", args=[distribution.pk]),
        title=_("Close the sale now?"),
        consequence=ngettext(
            "Ordering stops. %(count)d paid order is charged for what the farms deliver; "
            "a farm below its minimum is not sold.",
            "Ordering stops. %(count)d paid orders are charged for what the farms deliver; "
            "a farm below its minimum is not sold.",
            paid,
        )
        % {"count": paid},
        confirm_label=_("Yes, close the sale"),
        back=reverse("frontend:host_dashboard"),
        danger=False,
    )


@login_required
@require_POST
def distribution_move(request, pk: int):
    """Move a distribution; to cancelled only with ``confirm=1`` (it refunds orders)."""
    distribution = selectors.host_distribution(user=request.user, pk=pk)
    target = request.POST.get("status", "")
    if target not in Distribution.Status.values:
        raise Http404
    if target == Distribution.Status.CANCELLED and not is_confirmed(request):
        return confirm_page(request, cancel_confirmation(distribution))
    try:
        if target == Distribution.Status.CANCELLED:  # orders cancelled and paid back too
            count = cancel_distribution(distribution=distribution, by=request.user)
            messages.success(request, cancelled_message(count))
        else:
            services.move_distribution(distribution=distribution, to=target)
            messages.success(request, _("Distribution updated."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("frontend:host_dashboard")


def cancelled_message(count: int) -> str:
    """What a host is told after cancelling a distribution: what ``cancel_distribution`` did
    (orders cancelled, each household e-mailed and paid back: card or credit)."""
    if not count:
        return _("Distribution cancelled. It had no order.")
    return ngettext(
        "Distribution cancelled: %(count)d order cancelled; its household is told by e-mail "
        "and paid back.",
        "Distribution cancelled: %(count)d orders cancelled; their households are told by "
        "e-mail and paid back.",
        count,
    ) % {"count": count}


def closed_message(distribution: Distribution) -> str:
    """What a host is told after closing a sale: who the e-mails after the close reach —
    farms their picking lists, hosts the orders to hand over, and households only when a
    farm's minimum was not reached and some of their products will not come."""
    audience = close_audience(distribution=distribution)
    parts = [_("The sale is closed.")]
    if audience.farms:
        parts.append(
            ngettext(
                "%(count)d farm gets its picking list by e-mail.",
                "%(count)d farms get their picking list by e-mail.",
                audience.farms,
            )
            % {"count": audience.farms}
        )
    if audience.hosts:
        parts.append(_("The hosts get the orders to hand over by e-mail."))
    if audience.households:
        parts.append(
            ngettext(
                "%(count)d household is told by e-mail that products will not come.",
                "%(count)d households are told by e-mail that products will not come.",
                audience.households,
            )
            % {"count": audience.households}
        )
    return " ".join(parts)


@login_required
@require_http_methods(["GET", "POST"])
def distribution_close(request, pk: int):
    """Close the sale now (after the cutoff): minimums, capture or refund, e-mails. Asked
    first: GET gives the confirm page, a POST without ``confirm=1`` is refused with it."""
    distribution = selectors.host_distribution(user=request.user, pk=pk)
    if not is_confirmed(request):
        return confirm_page(request, close_confirmation(distribution))
    try:
        closed = close_distribution(distribution=distribution)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        if closed:
            messages.success(request, closed_message(distribution))
        else:
            messages.error(request, _("This sale cannot be closed now (before the cutoff?)."))
    return redirect("frontend:host_dashboard")


def waiting_orders(*, suppliers) -> dict[int, int]:
    """Per supplier (pk), the orders of its point still to hand over (distribution not done
    nor cancelled, order not cancelled) holding an active line of its farm. One query."""
    suppliers = list(suppliers)
    if not suppliers:
        return {}
    rows = (
        Order.objects.filter(
            distribution__pickup_point_id__in={s.pickup_point_id for s in suppliers},
            distribution__status__in=WAITING_DISTRIBUTIONS,
            status__in=selectors.ORDER_ACTIVE_STATUSES,
            lines__producer_id__in={s.producer_id for s in suppliers},
            lines__status=OrderLine.Status.ACTIVE,
        )
        .values_list("distribution__pickup_point_id", "lines__producer_id")
        .annotate(count=Count("pk", distinct=True))
        .order_by()
    )
    counts = {(point, producer): count for point, producer, count in rows}
    return {s.pk: counts.get((s.pickup_point_id, s.producer_id), 0) for s in suppliers}


def stop_supply_confirmation(supplier: Supplier, *, waiting: int | None = None) -> Confirmation:
    """Asked before a host stops an approved farm: its products leave the point's catalogues
    (``catalogue_offers`` shows approved farms only) while the orders already placed with them
    stay as they are (``decide_supply`` touches no order)."""
    if waiting is None:
        waiting = waiting_orders(suppliers=[supplier])[supplier.pk]
    leaves = _(
        "Its products leave the catalogue of %(point)s: households can no longer order them."
    ) % {"point": supplier.pickup_point.name}
    if waiting:
        stays = ngettext(
            "%(count)d order already placed with its products is not changed: the farm still "
            "brings it.",
            "%(count)d orders already placed with its products are not changed: the farm still "
            "brings them.",
            waiting,
        ) % {"count": waiting}
    else:
        stays = _("No order placed with its products is waiting.")
    return Confirmation(
        action=reverse("frontend:host_supply_decide", args=[supplier.pk]),
        title=_("Stop hosting %(farm)s?") % {"farm": supplier.producer.name},
        consequence=f"{leaves} {stays}",
        confirm_label=_("Yes, stop hosting this farm"),
        back=reverse("frontend:host_dashboard"),
        fields={"decision": "refuse"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def supply_decide(request, pk: int):
    """Approve or refuse a farm. Stopping an approved farm is asked first: GET gives the
    confirm page, a POST without ``confirm=1`` is refused with it."""
    supplier = selectors.host_supply_request(user=request.user, pk=pk)
    decision = request.POST.get("decision") or request.GET.get("decision")
    if decision not in {"approve", "refuse"}:
        raise Http404
    stopping = decision == "refuse" and supplier.status == Supplier.Status.APPROVED
    if request.method == "GET":
        if not stopping:
            return redirect("frontend:host_dashboard")
        return confirm_page(request, stop_supply_confirmation(supplier))
    if stopping and not is_confirmed(request):
        return confirm_page(request, stop_supply_confirmation(supplier))
    try:
        services.decide_supply(
            supplier=supplier, decided_by=request.user, approve=decision == "approve"
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        if decision == "approve":
            messages.success(request, _("%(farm)s is approved.") % {"farm": supplier.producer})
        elif stopping:
            messages.success(
                request,
                _("%(farm)s no longer comes to your point.") % {"farm": supplier.producer},
            )
        else:
            messages.success(request, _("%(farm)s is refused.") % {"farm": supplier.producer})
    return redirect("frontend:host_dashboard")
