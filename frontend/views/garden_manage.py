"""Garden coordinators' pages: occupancy, fees, waiting list, offers, work days, CSV export."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.csv import csv_response
from common.errors import DomainError
from common.money import format_eur
from frontend.confirm import confirm_page, is_confirmed
from frontend.views.gardens import chosen_season, give_back_confirmation, show_refusal
from gardens import selectors, services
from gardens.exports import occupancy_csv
from gardens.models import Garden, Reservation, Season, WorkDay
from gardens.presenters import state_label


class FeeForm(forms.Form):
    paid = forms.BooleanField(label=gettext_lazy("Paid"), required=False)
    method = forms.ChoiceField(
        label=gettext_lazy("Method"),
        choices=[("", "—"), *Reservation.PaymentMethod.choices],
        required=False,
    )
    paid_on = forms.DateField(
        label=gettext_lazy("Paid on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class WorkDayForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=150)
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Starts at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    hours = forms.DecimalField(label=gettext_lazy("Hours"), max_digits=4, decimal_places=1)
    capacity = forms.IntegerField(label=gettext_lazy("Capacity"), min_value=1, initial=10)


def _coordinated(request, slug: str) -> Garden:
    """A garden the person coordinates; any other garden is a 404."""
    return get_object_or_404(selectors.coordinated_gardens(request.user), slug=slug)


def _manage_url(garden: Garden, season: Season | None) -> str:
    url = reverse("frontend:gardens:manage", args=[garden.slug])
    return f"{url}?saison={season.pk}" if season else url


@login_required
@require_GET
def manage(request, slug: str):
    garden = _coordinated(request, slug)
    seasons = selectors.seasons_of(garden)
    season = chosen_season(seasons, request.GET.get("saison"))
    context = {"garden": garden, "seasons": seasons, "season": season}
    if season is not None:
        plan = selectors.plan_for(garden, season)
        hours = selectors.work_hours(season)
        reservations = [row.reservation for row in plan.plots if row.reservation]
        fees = selectors.season_fees(season)
        context.update(
            {
                "occupancy": [
                    {
                        "row": row,
                        "state": state_label(row),
                        "hours": hours[row.reservation.gardener_id] if row.reservation else None,
                        "fee": format_eur(row.reservation.fee_cents) if row.reservation else "",
                        "release": _release(row.reservation) if row.reservation else None,
                    }
                    for row in plan.plots
                ],
                "reserved_count": len(reservations),
                "plot_count": len(plan.plots),
                "fees_due": format_eur(fees.due_cents),
                "fees_paid": format_eur(fees.paid_cents),
                "waitlist": selectors.waitlist_for(season),
                "offers": selectors.open_offers_for(season),
                "work_days": selectors.work_days_for(season),
                "hours": hours,
                "methods": Reservation.PaymentMethod.choices,
                "work_day_form": WorkDayForm(),
                "today": timezone.localdate(),
            }
        )
    return render(request, "frontend/gardens/manage.html", context)


def _managed_reservation(request, slug: str, pk: int) -> Reservation:
    garden = _coordinated(request, slug)
    return get_object_or_404(
        Reservation.objects.select_related("plot__garden", "season"), pk=pk, plot__garden=garden
    )


def _release(reservation: Reservation):
    garden = reservation.plot.garden
    return give_back_confirmation(
        reservation,
        action=reverse("frontend:gardens:manage_cancel", args=[garden.slug, reservation.pk]),
        back=_manage_url(garden, reservation.season),
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_reservation(request, slug: str, pk: int, operation: str):
    """Approve, refuse or release a reservation; releasing is asked first (confirm page on GET
    or on a POST without ``confirm=1``)."""
    reservation = _managed_reservation(request, slug, pk)
    if operation == "cancel" and not is_confirmed(request):
        return confirm_page(request, _release(reservation))
    if request.method == "GET":
        return redirect(_manage_url(reservation.plot.garden, reservation.season))
    action = {
        "approve": services.approve_reservation,
        "refuse": services.refuse_reservation,
        "cancel": services.cancel_reservation,
    }[operation]
    try:
        action(reservation=reservation)
    except DomainError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("Reservation updated."))
    return redirect(_manage_url(reservation.plot.garden, reservation.season))


@login_required
@require_POST
def manage_fee(request, slug: str, pk: int):
    reservation = _managed_reservation(request, slug, pk)
    form = FeeForm(request.POST)
    if form.is_valid():
        try:
            services.record_fee(reservation=reservation, **form.cleaned_data)
        except DomainError as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("Fee recorded."))
    else:
        messages.error(request, _("Check the fee details."))
    return redirect(_manage_url(reservation.plot.garden, reservation.season))


@login_required
@require_POST
def manage_work_day(request, slug: str):
    garden = _coordinated(request, slug)
    season = get_object_or_404(Season, garden=garden, pk=request.POST.get("season") or 0)
    form = WorkDayForm(request.POST)
    if form.is_valid():
        try:
            services.schedule_work_day(season=season, **form.cleaned_data)
        except DomainError as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("Work day scheduled."))
    else:
        messages.error(request, _("Check the work day details."))
    return redirect(_manage_url(garden, season))


@login_required
@require_POST
def manage_attendance(request, slug: str, pk: int):
    garden = _coordinated(request, slug)
    work_day = get_object_or_404(WorkDay.objects.select_related("season"), pk=pk, garden=garden)
    signup = get_object_or_404(work_day.signups, gardener_id=request.POST.get("gardener") or 0)
    attended = request.POST.get("attended") == "yes"
    try:
        services.record_attendance(signup=signup, attended=attended)
    except DomainError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("Attendance recorded."))
    return redirect(_manage_url(garden, work_day.season))


@login_required
@require_GET
def export_csv(request, slug: str):
    garden = _coordinated(request, slug)
    season = chosen_season(selectors.seasons_of(garden), request.GET.get("saison"))
    if season is None:
        raise Http404
    return csv_response(occupancy_csv(season), f"{garden.slug}-{season.pk}.csv")
