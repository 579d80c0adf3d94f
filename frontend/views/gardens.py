"""Shared-garden pages: the public list and garden page (plan), the gardener's page and the
coordinators' page. Every write goes through ``gardens.services``; refusals become messages."""

import io

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from common.errors import DomainError
from common.forms import add_domain_error
from common.geo import geocode
from common.money import format_eur
from gardens import selectors, services
from gardens.exports import write_occupancy_csv
from gardens.models import Garden, Offer, Reservation, Season, WaitlistEntry, WorkDay
from gardens.presenters import feature_labels, plan_svg, state_label


class SearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Postcode, town or address"), max_length=300, required=False
    )


class WaitlistForm(forms.Form):
    min_area_m2 = forms.IntegerField(
        label=gettext_lazy("Minimum area (m²)"), min_value=0, initial=0, required=False
    )
    needs_water_point = forms.BooleanField(label=gettext_lazy("Water point"), required=False)
    needs_raised_bed = forms.BooleanField(label=gettext_lazy("Raised bed"), required=False)
    needs_accessible = forms.BooleanField(
        label=gettext_lazy("Wheelchair-accessible"), required=False
    )
    needs_shed = forms.BooleanField(label=gettext_lazy("Shed"), required=False)


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


def _season(seasons: list[Season], raw: str | None) -> Season | None:
    """The season asked for in ``?saison=`` (404 if not this garden's), else the current one."""
    if raw:
        chosen = next((s for s in seasons if str(s.pk) == raw), None)
        if chosen is None:
            raise Http404
        return chosen
    return selectors.current_season(seasons, timezone.localdate())


def _detail_url(garden: Garden, season: Season | None) -> str:
    url = reverse("frontend:gardens:detail", args=[garden.slug])
    return f"{url}?saison={season.pk}" if season else url


def _refused(request, exc: DomainError) -> None:
    messages.error(request, str(exc.message))


# --- Public -------------------------------------------------------------------------------------


@require_GET
def garden_list(request):
    form = SearchForm(request.GET or None)
    gardens, searched = None, False
    if form.is_valid() and form.cleaned_data["q"]:
        searched = True
        try:
            point = geocode(form.cleaned_data["q"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            gardens = selectors.gardens_near(point, radius_km=settings.NEAREST_DEFAULT_RADIUS_KM)
    if gardens is None:
        gardens = list(selectors.active_gardens().order_by("name"))
    return render(
        request,
        "frontend/gardens/list.html",
        {"form": form, "gardens": gardens, "searched": searched},
    )


@require_GET
def garden_detail(request, slug: str):
    garden = get_object_or_404(selectors.active_gardens(), slug=slug)
    seasons = selectors.seasons_of(garden)
    season = _season(seasons, request.GET.get("saison"))
    plan = selectors.plan_for(garden, season, request.user)
    today = timezone.localdate()
    applications_open = season is not None and season.applications_open(today)
    user = request.user
    my_entry = None
    work_days, signed_up, hours = [], set(), None
    if season is not None:
        work_days = selectors.work_days_for(season)
        if user.is_authenticated:
            my_entry = (
                WaitlistEntry.objects.filter(
                    season=season, gardener=user, status__in=WaitlistEntry.ACTIVE
                )
                .order_by("created_at")
                .first()
            )
            if my_entry is not None:
                my_entry.position = selectors.waitlist_position(my_entry)
            signed_up = {
                w.pk for w in work_days for s in w.signups.all() if s.gardener_id == user.pk
            }
            hours = selectors.work_hours(season)[user.pk]
    rows = [
        {
            "row": row,
            "features": feature_labels(row.plot),
            "state": state_label(row),
        }
        for row in plan.plots
    ]
    is_gardener = any(row.state == selectors.YOURS for row in plan.plots)
    return render(
        request,
        "frontend/gardens/detail.html",
        {
            "garden": garden,
            "seasons": seasons,
            "season": season,
            "plan": plan,
            "rows": rows,
            "svg": plan_svg(plan, interactive=applications_open and user.is_authenticated),
            "applications_open": applications_open,
            "my_entry": my_entry,
            "waitlist_form": WaitlistForm(),
            "work_days": work_days,
            "signed_up": signed_up,
            "hours": hours,
            "is_gardener": is_gardener,
            "is_coordinator": selectors.is_coordinator(user, garden),
            "now": timezone.now(),
            "today": today,
        },
    )


# --- Gardeners ----------------------------------------------------------------------------------


@login_required
@require_POST
def reserve(request, slug: str):
    garden = get_object_or_404(selectors.active_gardens(), slug=slug)
    season = Season.objects.filter(garden=garden, pk=request.POST.get("season") or 0).first()
    plot = garden.plots.filter(pk=request.POST.get("plot") or 0).first()
    if season is None or plot is None:
        messages.error(request, _("Choose a plot and a season of this garden."))
        return redirect(_detail_url(garden, season))
    try:
        reservation = services.reserve_plot(gardener=request.user, plot=plot, season=season)
    except DomainError as exc:
        _refused(request, exc)
    else:
        if reservation.status == Reservation.Status.PENDING:
            messages.success(
                request,
                _("Plot %(code)s is yours once a coordinator approves.") % {"code": plot.code},
            )
        else:
            messages.success(request, _("Plot %(code)s is yours.") % {"code": plot.code})
    return redirect(_detail_url(garden, season))


@login_required
@require_POST
def join_waitlist(request, slug: str):
    garden = get_object_or_404(selectors.active_gardens(), slug=slug)
    season = get_object_or_404(Season, garden=garden, pk=request.POST.get("season") or 0)
    form = WaitlistForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        data["min_area_m2"] = data["min_area_m2"] or 0
        try:
            entry = services.join_waitlist(gardener=request.user, season=season, **data)
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(
                request,
                _("You are number %(position)s on the waiting list.")
                % {"position": selectors.waitlist_position(entry)},
            )
    else:
        messages.error(request, _("Check your preferences."))
    return redirect(_detail_url(garden, season))


@login_required
@require_GET
def mine(request):
    gardening = selectors.my_gardening(request.user)
    seasons = {r.season_id: r.season for r in gardening.reservations}
    progress = [
        {
            "season": season,
            "hours": gardening.hours[season.pk],
            "required": season.required_work_hours,
        }
        for season in seasons.values()
    ]
    return render(
        request,
        "frontend/gardens/mine.html",
        {"mine": gardening, "progress": progress, "now": timezone.now()},
    )


@login_required
@require_POST
def cancel_reservation(request, pk: int):
    reservation = get_object_or_404(Reservation, pk=pk, gardener=request.user)
    try:
        services.cancel_reservation(reservation=reservation)
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("You have given your plot back."))
    return redirect("frontend:gardens:mine")


@login_required
@require_POST
def leave_waitlist(request, pk: int):
    entry = get_object_or_404(WaitlistEntry, pk=pk, gardener=request.user)
    services.leave_waitlist(entry=entry)
    messages.success(request, _("You have left the waiting list."))
    return redirect("frontend:gardens:mine")


@login_required
@require_POST
def answer_offer(request, pk: int, answer: str):
    offer = get_object_or_404(
        Offer.objects.select_related("entry__gardener", "plot", "season"),
        pk=pk,
        entry__gardener=request.user,
    )
    try:
        if answer == "accept":
            services.accept_offer(offer=offer)
            messages.success(request, _("Plot %(code)s is yours.") % {"code": offer.plot.code})
        else:
            services.decline_offer(offer=offer)
            messages.success(request, _("Offer declined; you keep your place on the list."))
    except DomainError as exc:
        _refused(request, exc)
    return redirect("frontend:gardens:mine")


@login_required
@require_POST
def work_day_signup(request, pk: int):
    work_day = get_object_or_404(WorkDay, pk=pk)
    try:
        if request.POST.get("action") == "cancel":
            services.cancel_work_day_signup(gardener=request.user, work_day=work_day)
            messages.success(request, _("You are no longer signed up."))
        else:
            services.sign_up_for_work_day(gardener=request.user, work_day=work_day)
            messages.success(request, _("You are signed up for this work day."))
    except DomainError as exc:
        _refused(request, exc)
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect("frontend:gardens:mine")


# --- Coordinators -------------------------------------------------------------------------------


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
    season = _season(seasons, request.GET.get("saison"))
    context = {"garden": garden, "seasons": seasons, "season": season}
    if season is not None:
        plan = selectors.plan_for(garden, season)
        hours = selectors.work_hours(season)
        reservations = [row.reservation for row in plan.plots if row.reservation]
        context.update(
            {
                "occupancy": [
                    {
                        "row": row,
                        "state": _("free")
                        if row.reservation is None and not row.offered
                        else state_label(row),
                        "hours": hours[row.reservation.gardener_id] if row.reservation else None,
                        "fee": format_eur(row.reservation.fee_cents) if row.reservation else "",
                    }
                    for row in plan.plots
                ],
                "reserved_count": len(reservations),
                "plot_count": len(plan.plots),
                "fees_due": format_eur(sum(r.fee_cents for r in reservations if not r.fee_paid)),
                "fees_paid": format_eur(sum(r.fee_cents for r in reservations if r.fee_paid)),
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


@login_required
@require_POST
def manage_reservation(request, slug: str, pk: int, operation: str):
    reservation = _managed_reservation(request, slug, pk)
    action = {
        "approve": services.approve_reservation,
        "refuse": services.refuse_reservation,
        "cancel": services.cancel_reservation,
    }[operation]
    try:
        action(reservation=reservation)
    except DomainError as exc:
        _refused(request, exc)
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
            _refused(request, exc)
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
            _refused(request, exc)
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
        _refused(request, exc)
    else:
        messages.success(request, _("Attendance recorded."))
    return redirect(_manage_url(garden, work_day.season))


@login_required
@require_GET
def export_csv(request, slug: str):
    garden = _coordinated(request, slug)
    season = _season(selectors.seasons_of(garden), request.GET.get("saison"))
    if season is None:
        raise Http404
    out = io.StringIO()
    write_occupancy_csv(season, out)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{garden.slug}-{season.pk}.csv"'
    return response
