"""Households find where to collect: search, pickup point page, a distribution's catalogue.
Also the producer member's "ask to supply this point" form (posted from their dashboard)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from common import dates
from common.errors import DomainError
from common.geo import AddressNotFound, GeocoderUnavailable, origin_from_query, parse_lat_lng
from frontend.chosen_point import remember
from frontend.shop import shop_context
from pickup import selectors, services
from pickup.models import Distribution
from producers.selectors import producer_for_member

RADIUS_CHOICES = [
    (km, f"{km} km") for km in sorted({5, 10, 30, 50, 100, settings.NEAREST_DEFAULT_RADIUS_KM})
]


class PointSearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Postcode, town or address"),
        max_length=300,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "postal-code", "placeholder": "59000"}
        ),
    )
    near = forms.CharField(required=False, widget=forms.HiddenInput)
    radius_km = forms.TypedChoiceField(
        label=gettext_lazy("Within"),
        choices=RADIUS_CHOICES,
        coerce=int,
        required=False,
        empty_value=settings.NEAREST_DEFAULT_RADIUS_KM,
        initial=settings.NEAREST_DEFAULT_RADIUS_KM,
    )

    def clean_near(self):
        near = self.cleaned_data.get("near", "").strip()
        if not near:
            return None
        try:
            return parse_lat_lng(near)
        except ValueError:
            raise forms.ValidationError(_("Your position could not be read.")) from None


def map_data(*, points, origin=None) -> dict:
    """What the map script needs, embedded in the page with ``json_script`` (no extra request,
    markers drawn even when tiles cannot load)."""
    return {
        "tileUrl": settings.MAP_TILE_URL,
        "attribution": settings.MAP_ATTRIBUTION,
        "iconPath": static("vendor/leaflet/images/"),
        # Loaded by the map script once the page has painted: Leaflet is off the critical path.
        "leaflet": {
            "js": static("vendor/leaflet/leaflet.js"),
            "css": static("vendor/leaflet/leaflet.css"),
        },
        "origin": None
        if origin is None
        else {"lat": origin.latitude, "lng": origin.longitude, "label": origin.label},
        "points": [
            {
                "name": point.name,
                "lat": point.latitude,
                "lng": point.longitude,
                "url": reverse("frontend:pickup_point", args=[point.slug]),
            }
            for point in points
            if point.point is not None
        ],
    }


@require_GET
def search(request):
    data = None
    if request.GET:
        data = request.GET.copy()
        data.setdefault("radius_km", str(settings.NEAREST_DEFAULT_RADIUS_KM))
    form = PointSearchForm(data)
    origin, points, searched = None, [], False
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            origin = origin_from_query(near=data["near"], q=data["q"])
        except AddressNotFound as exc:
            form.add_error("q", str(exc.message))
        except GeocoderUnavailable as exc:
            form.add_error(None, str(exc.message))
        if origin is not None:
            searched = True
            points = selectors.nearest_points(
                origin=(origin.latitude, origin.longitude),
                radius_km=data["radius_km"] or settings.NEAREST_DEFAULT_RADIUS_KM,
            )
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "frontend/pickup/search.html",
        {
            "form": form,
            "origin": origin,
            "points": points,
            "searched": searched,
            "map_data": map_data(points=points, origin=origin),
        },
        status=status,
    )


@require_GET
def point_detail(request, slug: str):
    point = selectors.public_point(slug=slug)
    remember(request, point)
    return render(
        request,
        "frontend/pickup/point.html",
        {
            "point": point,
            "distributions": selectors.upcoming_distributions(point=point),
            "producers": selectors.approved_producers(point=point),
            "show_access": selectors.can_see_access_instructions(request.user, point),
            "map_data": map_data(points=[point]),
        },
    )


@require_GET
def catalogue(request, slug: str, pk: int):
    try:
        distribution = selectors.distribution_for_viewer(user=request.user, pk=pk)
    except Http404:
        return _sale_gone(request, slug, pk)
    if distribution.pickup_point.slug != slug:
        raise Http404
    remember(request, distribution.pickup_point)
    return render(request, "frontend/pickup/catalogue.html", shop_context(request, distribution))


def _sale_gone(request, slug: str, pk: int):
    """An old link to a sale that closed (or is not open yet, or was cancelled): the point's
    next open sale, or the point's page, saying so. Any other link stays a 404."""
    point = selectors.public_point(slug=slug)
    gone = point.distributions.filter(pk=pk).first()
    if gone is None:
        raise Http404
    if gone.status == Distribution.Status.SCHEDULED:
        messages.info(
            request,
            _("This sale opens on %(date)s.") % {"date": dates.day_time(gone.opens_at)},
        )
        return redirect("frontend:pickup_point", slug=point.slug)
    upcoming = selectors.next_open_distribution(point=point)
    if upcoming is None:
        messages.info(request, _("This sale is closed. The next one is not open yet."))
        return redirect("frontend:pickup_point", slug=point.slug)
    messages.info(
        request,
        _("This sale is closed: here is the next one, for the distribution of %(date)s.")
        % {"date": dates.day(upcoming.starts_at)},
    )
    return redirect("frontend:distribution_catalogue", slug=point.slug, pk=upcoming.pk)


@login_required
@require_POST
def producer_supply_request(request):
    """A producer member asks to supply a pickup point (form in the producer dashboard)."""
    try:
        producer = producer_for_member(user=request.user, producer_id=int(request.POST["producer"]))
        point = selectors.public_point(pk=int(request.POST["pickup_point"]))
    except (KeyError, ValueError):
        raise Http404 from None
    try:
        services.request_supply(producer=producer, pickup_point=point)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("Request recorded: the hosts of %(point)s see it on their page and decide.")
            % {"point": point.name},
        )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("frontend:pickup_search")
    return redirect(back)
