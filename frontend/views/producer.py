"""The producer dashboard: the farm, its products, this week's and next week's catalogues
(and those it prepared for later weeks).

Every POST goes to one service of ``producers.services``; a refusal is shown on the form that
was sent (the dashboard is rendered again with it, status 400, so nothing typed is lost) or as
a message for one-button actions. A member of one farm gets 404 on every other farm's pages.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billing.mandates import current_mandate
from billing.models import Payout
from common import dates
from common.csv import csv_response
from common.errors import DomainError
from common.forms import add_domain_error
from frontend.views.producer_forms import (
    AddOfferForm,
    CsvUploadForm,
    OfferForm,
    ProducerForm,
    ProductForm,
    WeekForm,
)
from producers import csv_io, photos, selectors, services
from producers.errors import CsvInvalid
from producers.models import Producer
from producers.weeks import current_week, iso_label, next_week

# How far ahead the dashboard shows a catalogue the farm prepared early.
LATER_WEEKS_SHOWN = timedelta(weeks=4)


def _producer(request, slug: str) -> Producer:
    return selectors.producer_for_member(user=request.user, slug=slug)


def _to_dashboard(producer: Producer, anchor: str = ""):
    response = redirect("frontend:producer:dashboard", slug=producer.slug)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _offer_form(offer, data=None) -> OfferForm:
    return OfferForm(
        data,
        prefix=f"offer-{offer.pk}",
        initial={"price": offer.price_cents, "quantity": offer.quantity},
    )


def _add_offer_form(catalogue, products, data=None) -> AddOfferForm:
    """The form to add one of ``products`` (``selectors.products_to_offer``) to ``catalogue``."""
    return AddOfferForm(data, prefix=f"add-{catalogue.pk}", products=products)


def _render_dashboard(request, producer: Producer, *, bound: dict | None = None, status=200):
    """The dashboard; ``bound`` replaces the blank form of one offer or one catalogue."""
    bound = bound or {}
    products = list(selectors.products_of(producer=producer))
    weeks = [(_("This week"), current_week()), (_("Next week"), next_week())]
    # The weeks after next appear once the farm has a catalogue for them (prepared ahead).
    catalogues = {
        c.week: c
        for c in selectors.catalogues_of(producer=producer).filter(
            week__gte=current_week(), week__lte=current_week() + LATER_WEEKS_SHOWN
        )
    }
    weeks += [(_("Later"), week) for week in sorted(catalogues) if week > next_week()]
    blocks = []
    for label, week in weeks:
        catalogue = catalogues.get(week)
        block = {"label": label, "week": week, "iso_week": iso_label(week), "catalogue": catalogue}
        if catalogue is not None:
            block["offers"] = [
                (offer, bound.get(("offer", offer.pk)) or _offer_form(offer))
                for offer in catalogue.offers.all()
            ]
            block["add_form"] = bound.get(("add", catalogue.pk)) or _add_offer_form(
                catalogue, selectors.products_to_offer(catalogue=catalogue)
            )
        blocks.append(block)
    context = {
        "producer": producer,
        "products": products,
        "weeks": blocks,
        "mandate": current_mandate(Payout.Payee.FARM, producer.pk),
    }
    return render(request, "frontend/producer/dashboard.html", context, status=status)


@login_required
@require_GET
def index(request):
    """The farms the user manages: straight to the dashboard when there is only one."""
    producers = list(selectors.producers_of_member(user=request.user))
    if len(producers) == 1:
        return _to_dashboard(producers[0])
    return render(request, "frontend/producer/index.html", {"producers": producers})


@login_required
@require_GET
def dashboard(request, slug: str):
    return _render_dashboard(request, _producer(request, slug))


@login_required
@require_http_methods(["GET", "POST"])
def producer_edit(request, slug: str):
    producer = _producer(request, slug)
    form = ProducerForm.for_producer(producer, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_producer(
                producer=producer,
                name=data["name"],
                description=data["description"],
                address=data["address"],
                minimum_order_cents=data["minimum_order"] or 0,
                weight_margin_bp=form.weight_margin_bp(),
                **form.legal_identity(),
            )
            photos.update_photo(owner=producer, **form.photo_arguments())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Farm details saved."))
            return _to_dashboard(producer)
    return render(
        request, "frontend/producer/producer_form.html", {"producer": producer, "form": form}
    )


# --- Products -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def product_create(request, slug: str):
    producer = _producer(request, slug)
    form = ProductForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            product = services.create_product(producer=producer, **form.service_arguments())
            photos.update_photo(owner=product, **form.photo_arguments())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Product “%(name)s” added.") % {"name": product.name})
            return _to_dashboard(producer, "products")
    context = {"producer": producer, "form": form, "product": None}
    return render(request, "frontend/producer/product_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def product_edit(request, slug: str, pk: int):
    producer = _producer(request, slug)
    product = selectors.product_of(producer=producer, product_id=pk)
    form = ProductForm.for_product(product, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_product(product=product, **form.service_arguments())
            photos.update_photo(owner=product, **form.photo_arguments())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Product “%(name)s” saved.") % {"name": product.name})
            return _to_dashboard(producer, "products")
    context = {"producer": producer, "form": form, "product": product}
    return render(request, "frontend/producer/product_form.html", context)


@login_required
@require_POST
def product_delete(request, slug: str, pk: int):
    producer = _producer(request, slug)
    product = selectors.product_of(producer=producer, product_id=pk)
    try:
        services.delete_product(product=product)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("frontend:producer:product_edit", slug=producer.slug, pk=product.pk)
    messages.success(request, _("Product “%(name)s” deleted.") % {"name": product.name})
    return _to_dashboard(producer, "products")


# --- Catalogues -----------------------------------------------------------------------------


def _week_action(request, slug: str, action):
    producer = _producer(request, slug)
    form = WeekForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a week."))
        return _to_dashboard(producer)
    try:
        message = action(producer, form.cleaned_data["week"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, message)
    return _to_dashboard(producer, f"week-{iso_label(form.cleaned_data['week'])}")


@login_required
@require_POST
def catalogue_create(request, slug: str):
    def create(producer, week):
        catalogue = services.create_catalogue(producer=producer, week=week)
        return _("Catalogue started: %(week)s.") % {"week": dates.week(catalogue.week)}

    return _week_action(request, slug, create)


@login_required
@require_POST
def catalogue_copy_last_week(request, slug: str):
    def copy(producer, week):
        result = services.copy_last_week(producer=producer, week=week)
        message = ngettext(
            "%(count)d offer copied from the %(source)s.",
            "%(count)d offers copied from the %(source)s.",
            result.copied,
        )
        return message % {
            "count": result.copied,
            "source": dates.week(result.source.week),
        }

    return _week_action(request, slug, copy)


@login_required
@require_POST
def catalogue_publish(request, slug: str, pk: int):
    producer = _producer(request, slug)
    catalogue = selectors.catalogue_of(producer=producer, catalogue_id=pk)
    try:
        services.publish_catalogue(catalogue=catalogue)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Catalogue published: %(week)s.") % {"week": dates.week(catalogue.week)},
        )
    return _to_dashboard(producer, f"week-{iso_label(catalogue.week)}")


# --- Offers ---------------------------------------------------------------------------------


@login_required
@require_POST
def offer_add(request, slug: str, catalogue_pk: int):
    producer = _producer(request, slug)
    catalogue = selectors.catalogue_of(producer=producer, catalogue_id=catalogue_pk)
    products = {p.pk: p for p in selectors.products_to_offer(catalogue=catalogue)}
    form = _add_offer_form(catalogue, products.values(), request.POST)
    if form.is_valid():
        product = products[form.cleaned_data["product"]]
        try:
            services.add_offer(
                catalogue=catalogue,
                product=product,
                quantity=form.cleaned_data["quantity"],
                price_cents=form.cleaned_data["price"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request, _("“%(name)s” added to the catalogue.") % {"name": product.name}
            )
            return _to_dashboard(producer, f"week-{iso_label(catalogue.week)}")
    return _render_dashboard(request, producer, bound={("add", catalogue.pk): form}, status=400)


@login_required
@require_POST
def offer_edit(request, slug: str, catalogue_pk: int, pk: int):
    producer = _producer(request, slug)
    catalogue = selectors.catalogue_of(producer=producer, catalogue_id=catalogue_pk)
    offer = selectors.offer_of(catalogue=catalogue, offer_id=pk)
    form = _offer_form(offer, request.POST)
    if form.is_valid():
        try:
            services.update_offer(
                offer=offer,
                quantity=form.cleaned_data["quantity"],
                price_cents=form.cleaned_data["price"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("“%(name)s” saved.") % {"name": offer.product.name})
            return _to_dashboard(producer, f"offer-{offer.pk}")
    return _render_dashboard(request, producer, bound={("offer", offer.pk): form}, status=400)


@login_required
@require_POST
def offer_delete(request, slug: str, catalogue_pk: int, pk: int):
    producer = _producer(request, slug)
    catalogue = selectors.catalogue_of(producer=producer, catalogue_id=catalogue_pk)
    offer = selectors.offer_of(catalogue=catalogue, offer_id=pk)
    try:
        services.delete_offer(offer=offer)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("“%(name)s” removed from the catalogue.") % {"name": offer.product.name}
        )
    return _to_dashboard(producer, f"week-{iso_label(catalogue.week)}")


# --- CSV ------------------------------------------------------------------------------------


def _csv_import(request, producer, *, title: str, run, back_anchor: str):
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > csv_io.MAX_BYTES:
                raise CsvInvalid(
                    errors=[{"line": 1, "column": "", "message": str(csv_io.TOO_LARGE)}]
                )
            result = run(upload.read())
        except DomainError as exc:
            add_domain_error(form, exc)
            errors = exc.extra.get("errors") if isinstance(exc.extra.get("errors"), list) else []
        else:
            messages.success(
                request,
                _("File imported: %(created)s, %(updated)s.")
                % {
                    "created": ngettext("%(count)d new line", "%(count)d new lines", result.created)
                    % {"count": result.created},
                    "updated": ngettext(
                        "%(count)d line updated", "%(count)d lines updated", result.updated
                    )
                    % {"count": result.updated},
                },
            )
            return _to_dashboard(producer, back_anchor)
    context = {"producer": producer, "form": form, "title": title, "errors": errors}
    return render(
        request, "frontend/producer/csv_import.html", context, status=400 if errors else 200
    )


@login_required
@require_GET
def products_export(request, slug: str):
    producer = _producer(request, slug)
    text = csv_io.products_csv(selectors.products_of(producer=producer))
    return csv_response(text, f"{producer.slug}-produits.csv")


@login_required
@require_http_methods(["GET", "POST"])
def products_import(request, slug: str):
    producer = _producer(request, slug)
    return _csv_import(
        request,
        producer,
        title=_("Import products"),
        run=lambda data: services.import_products_csv(producer=producer, data=data),
        back_anchor="products",
    )


@login_required
@require_GET
def offers_export(request, slug: str, catalogue_pk: int):
    producer = _producer(request, slug)
    catalogue = selectors.catalogue_of(producer=producer, catalogue_id=catalogue_pk)
    text = csv_io.offers_csv(selectors.offers_of(catalogue=catalogue))
    return csv_response(text, f"{producer.slug}-semaine-{catalogue.week:%Y-%m-%d}-offres.csv")


@login_required
@require_http_methods(["GET", "POST"])
def offers_import(request, slug: str, catalogue_pk: int):
    producer = _producer(request, slug)
    catalogue = selectors.catalogue_of(producer=producer, catalogue_id=catalogue_pk)
    return _csv_import(
        request,
        producer,
        title=_("Import offers, %(week)s") % {"week": dates.week(catalogue.week)},
        run=lambda data: services.import_offers_csv(catalogue=catalogue, data=data),
        back_anchor=f"week-{iso_label(catalogue.week)}",
    )
