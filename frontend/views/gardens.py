"""Shared-garden pages: the public list and garden page (plan), the gardener's page and the
coordinators' page. Every write goes through ``gardens.services``; refusals become messages."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.errors import DomainError
from common.forms import add_domain_error
from frontend.confirm import Confirmation, confirm_page, is_confirmed
from gardens import selectors, services
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


def chosen_season(seasons: list[Season], raw: str | None) -> Season | None:
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


def show_refusal(request, exc: DomainError) -> None:
    messages.error(request, str(exc.message))


# --- Public -------------------------------------------------------------------------------------


@require_GET
def garden_list(request):
    form = SearchForm(request.GET or None)
    place = form.cleaned_data["q"] if form.is_valid() else ""
    radius_km = settings.NEAREST_DEFAULT_RADIUS_KM
    try:
        gardens = selectors.search_gardens(q=place, radius_km=radius_km)
    except DomainError as exc:
        add_domain_error(form, exc)
        gardens = selectors.search_gardens(radius_km=radius_km)
    return render(
        request,
        "frontend/gardens/list.html",
        {"form": form, "gardens": gardens, "searched": bool(place)},
    )


@require_GET
def garden_detail(request, slug: str):
    garden = get_object_or_404(selectors.active_gardens(), slug=slug)
    seasons = selectors.seasons_of(garden)
    season = chosen_season(seasons, request.GET.get("saison"))
    plan = selectors.plan_for(garden, season, request.user)
    today = timezone.localdate()
    applications_open = season is not None and season.applications_open(today)
    user = request.user
    my_entry = None
    work_days, signed_up, hours = [], set(), None
    if season is not None:
        work_days = selectors.upcoming_work_days([season.pk])
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
            "reserve": reserve_confirmation(row.plot, season) if season is not None else None,
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


def reserve_confirmation(plot, season: Season) -> Confirmation:
    """Asked before reserving a plot (one tap on the plan): which plot, for which season, and
    the work hours it commits to."""
    consequence = ngettext(
        "Plot %(code)s (%(area)s m²) for %(season)s: you commit to %(hours)s hour of shared work.",
        "Plot %(code)s (%(area)s m²) for %(season)s: you commit to %(hours)s hours of shared work.",
        int(season.required_work_hours),
    ) % {
        "code": plot.code,
        "area": plot.area_m2,
        "season": season.name,
        "hours": season.required_work_hours,
    }
    if season.approval_required:
        consequence += " " + _("A coordinator approves it.")
    return Confirmation(
        action=reverse("frontend:gardens:reserve", args=[season.garden.slug]),
        title=_("Reserve plot %(code)s?") % {"code": plot.code},
        consequence=consequence,
        confirm_label=_("Yes, reserve %(code)s") % {"code": plot.code},
        back=_detail_url(season.garden, season),
        fields={"plot": plot.pk, "season": season.pk},
        danger=False,
    )


def give_back_confirmation(reservation: Reservation, *, action: str, back: str) -> Confirmation:
    """Asked before a plot is given back or released: it is offered to the waiting list."""
    return Confirmation(
        action=action,
        title=_("Free plot %(code)s?") % {"code": reservation.plot.code},
        consequence=_(
            "Plot %(code)s is no longer reserved for %(season)s; it is offered at once to the "
            "first gardener on the waiting list."
        )
        % {"code": reservation.plot.code, "season": reservation.season.name},
        confirm_label=_("Yes, free the plot"),
        back=back,
    )


def _give_back(reservation: Reservation) -> Confirmation:
    return give_back_confirmation(
        reservation,
        action=reverse("frontend:gardens:cancel", args=[reservation.pk]),
        back=reverse("frontend:gardens:mine"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def reserve(request, slug: str):
    """Reserve a plot: asked first (GET gives the confirm page, a POST without ``confirm=1``
    is refused with it)."""
    garden = get_object_or_404(selectors.active_gardens(), slug=slug)
    data = request.POST if request.method == "POST" else request.GET
    season = Season.objects.filter(garden=garden, pk=data.get("season") or 0).first()
    plot = garden.plots.filter(pk=data.get("plot") or 0).first()
    if season is None or plot is None:
        messages.error(request, _("Choose a plot and a season of this garden."))
        return redirect(_detail_url(garden, season))
    if not is_confirmed(request):
        return confirm_page(request, reserve_confirmation(plot, season))
    try:
        reservation = services.reserve_plot(gardener=request.user, plot=plot, season=season)
    except DomainError as exc:
        show_refusal(request, exc)
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
            show_refusal(request, exc)
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
        {
            "mine": gardening,
            "progress": progress,
            "now": timezone.now(),
            "give_back": {r.pk: _give_back(r) for r in gardening.reservations},
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cancel_reservation(request, pk: int):
    """Give a plot back: asked first (confirm page on GET or on a POST without ``confirm=1``)."""
    reservation = get_object_or_404(Reservation, pk=pk, gardener=request.user)
    if not is_confirmed(request):
        return confirm_page(request, _give_back(reservation))
    try:
        services.cancel_reservation(reservation=reservation)
    except DomainError as exc:
        show_refusal(request, exc)
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
        show_refusal(request, exc)
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
        show_refusal(request, exc)
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect("frontend:gardens:mine")
