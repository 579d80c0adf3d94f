"""Households' pages about orders: the basket on a distribution's catalogue (htmx), checkout,
paying by card (Stripe.js), "My orders", an order's page with changes and cancellation, its
receipt (page and PDF).

The basket lives in the session until the order is placed (``frontend.shop``); every rule is
in ``orders.services`` and a refusal comes back next to the product it is about.
"""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billing import invoice_reads
from common.errors import DomainError, Invalid
from common.pdf import pdf_response
from frontend import shop
from frontend.confirm import Confirmation, confirm_page, is_confirmed
from frontend.templatetags.pickup_extras import eur
from orders import documents, selectors, services
from orders.errors import OrderingClosed, OutOfStock
from orders.food_miles import order_food_miles
from orders.models import Order
from orders.services import basket as basket_rules
from orders.services.basket import WHOLE_NUMBER
from orders.services.paying import capture_method_for
from payments.services import customers
from pickup import selectors as pickup_selectors
from pickup.models import Distribution
from subscriptions import selectors as subscription_selectors


def _catalogue_url(distribution: Distribution) -> str:
    return reverse(
        "frontend:distribution_catalogue", args=[distribution.pickup_point.slug, distribution.pk]
    )


def _typed_quantity(data) -> str:
    """The quantity asked for: the field, moved by one when the − or + button sent the form
    without JavaScript (``step``); with JavaScript the buttons change the field itself."""
    typed = data.get("quantity", "").strip()
    step = data.get("step", "")
    if step in ("-1", "1") and WHOLE_NUMBER.fullmatch(typed or "0"):
        return str(max(0, int(typed or 0) + int(step)))
    return typed


@require_POST
def basket_update(request, pk: int):
    """Set one product's quantity in the basket (0 takes it out). A quantity that cannot be
    ordered (not a whole number, more than is left) is refused, named next to the product,
    and the basket stays as it was. htmx gets the product's stepper back with the basket bar,
    the basket and the spoken status (out of band); without JavaScript the catalogue comes
    back (at the product when it went in, with the refusal and status 422 when not)."""
    distribution = pickup_selectors.distribution_for_viewer(user=request.user, pk=pk)
    raw_offer = request.POST.get("offer", "").strip()
    offer_id = int(raw_offer) if raw_offer.isdigit() else None
    offer = shop.basket_offer(distribution, offer_id)
    lines = dict(shop.session_basket(request, distribution)["lines"])
    error = ""
    if offer is None:
        # Named only when it was in the basket (a product withdrawn meanwhile).
        known = shop.offer_name(offer_id) if str(offer_id) in lines else ""
        error = str(basket_rules.not_on_sale(known).message)
        if lines.pop(str(offer_id), None) is not None:
            shop.store_basket(request, distribution, lines)
    elif not pickup_selectors.ordering_open(distribution):
        error = str(OrderingClosed().message)
    else:
        try:
            quantity = basket_rules.basket_quantity(
                offer=offer, quantity=_typed_quantity(request.POST)
            )
        except DomainError as exc:
            error = str(exc.message)
        else:
            lines[str(offer.pk)] = quantity
            shop.store_basket(request, distribution, lines)
    if not request.htmx:
        if not error:
            return redirect(f"{_catalogue_url(distribution)}#offer-{offer.pk}")
        context = shop.shop_context(
            request,
            distribution,
            errors={offer.pk: error} if offer else {},
            notices=[] if offer else [error],
        )
        return render(request, "frontend/pickup/catalogue.html", context, status=422)
    if offer_id is None:  # no card sent it
        return HttpResponse(error, status=422, content_type="text/plain; charset=utf-8")
    basket = shop.basket_for(request, distribution)
    in_basket = basket.quantities.get(offer_id, 0)
    return render(
        request,
        "frontend/orders/_basket_update.html",
        {
            "distribution": distribution,
            "pk": offer_id,
            "card": shop.ProductCard(offer, in_basket=in_basket, error=error),
            "gone": offer is None,
            "updated": True,
            "basket": basket,
            "basket_units": sum(basket.quantities.values()),
        },
    )


@login_required
@require_POST
def checkout(request, pk: int):
    """Place the order from the basket (the basket's idempotency key: a double click or a
    reload makes one order), then go to payment. When products ran short or left the
    catalogue, the basket is lowered to what is left and the catalogue names each of them."""
    distribution = pickup_selectors.distribution_for_viewer(user=request.user, pk=pk)
    stored = shop.session_basket(request, distribution)
    basket = shop.basket_for(request, distribution)
    lines = basket.quantities
    gone = {int(k) for k in stored["lines"]} - set(lines)
    if gone:
        return _basket_changed(request, distribution, lines, shop.gone_notices(gone))
    if not lines:
        messages.error(request, _("Your basket is empty."))
        return redirect(_catalogue_url(distribution))
    try:
        order = services.place_order(
            household=request.user,
            distribution=distribution,
            lines=lines,
            idempotency_key=f"basket-{stored['key'] or uuid.uuid4().hex}",
        )
    except OutOfStock as exc:
        errors = shop.lower_to_stock(basket, exc.extra.get("offers", []))
        return _basket_changed(request, distribution, basket.quantities, errors=errors)
    except Invalid as exc:
        missing = {int(k) for k in exc.extra.get("offers", [])}
        if not missing:
            messages.error(request, str(exc.message))
            return redirect(_catalogue_url(distribution))
        lines = {k: v for k, v in lines.items() if k not in missing}
        return _basket_changed(request, distribution, lines, shop.gone_notices(missing))
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(_catalogue_url(distribution))
    shop.drop_basket(request, distribution)
    return redirect("frontend:orders:pay", pk=order.pk)


def _basket_changed(request, distribution, lines, notices=(), *, errors=None):
    """Keep the adjusted basket and say, next to each product, what changed."""
    shop.store_basket(request, distribution, lines)
    shop.keep_errors(request, distribution, errors or {}, list(notices))
    messages.error(request, _("Your basket changed: see the products concerned below."))
    return redirect(_catalogue_url(distribution))


@login_required
@require_GET
def order_list(request):
    return render(
        request,
        "frontend/orders/list.html",
        {"collections": selectors.household_collections(user=request.user)},
    )


def _detail(request, order: Order, *, status: int = 200):
    point = order.distribution.pickup_point
    return render(
        request,
        "frontend/orders/detail.html",
        {
            "order": order,
            "point": point,
            "show_access": pickup_selectors.can_see_access_instructions(request.user, point),
            "collected_with": list(selectors.collected_with(order=order)),
            "changeable": services.order_changeable(order),
            "basket_subscription": subscription_selectors.basket_subscription(order_id=order.pk),
            "shows_pickup_code": selectors.shows_pickup_code(order),
            "cancel_confirmation": cancel_confirmation(order),
            "invoices": invoice_reads.household_invoices(order.household).filter(order=order),
            "food_miles": order_food_miles(order),
        },
        status=status,
    )


def cancel_confirmation(order: Order) -> Confirmation:
    """What a household is asked before cancelling: its products go back on sale and what it
    paid comes back (a paid order's card authorisation is released, its credit returned)."""
    count = sum(1 for line in order.lines.all() if line.status == "active")
    products = ngettext(
        "Its %(count)d product goes back on sale.",
        "Its %(count)d products go back on sale.",
        count,
    ) % {"count": count}
    if order.status == Order.Status.PAID:
        money = _("The %(amount)s you paid is given back to you.") % {
            "amount": eur(order.total_cents)
        }
    else:
        money = _("Nothing has been charged.")
    return Confirmation(
        action=reverse("frontend:orders:change", args=[order.pk]),
        title=_("Cancel order no. %(number)d?") % {"number": order.pk},
        consequence=f"{products} {money}",
        confirm_label=_("Yes, cancel the order"),
        back=reverse("frontend:orders:detail", args=[order.pk]),
        fields={"action": "cancel"},
    )


@login_required
@require_GET
def order_detail(request, pk: int):
    return _detail(request, selectors.household_order(user=request.user, pk=pk))


@login_required
@require_GET
def order_receipt(request, pk: int):
    """The order's receipt (the household's own; staff see any): provisional until the close."""
    order = selectors.receipt_order(user=request.user, pk=pk)
    return render(request, "frontend/orders/receipt.html", {"receipt": selectors.receipt(order)})


@login_required
@require_GET
def order_receipt_pdf(request, pk: int):
    """The same receipt as a PDF download."""
    order = selectors.receipt_order(user=request.user, pk=pk)
    pdf = documents.receipt_pdf(selectors.receipt(order))
    return pdf_response(pdf, documents.receipt_filename(order))


@login_required
@require_http_methods(["GET", "POST"])
def order_change(request, pk: int):
    """Lower quantities (POST), or cancel: asked first (GET gives the confirm page, a POST
    without ``confirm=1`` is refused with it)."""
    order = selectors.household_order(user=request.user, pk=pk)
    cancelling = request.GET.get("action") == "cancel" or request.POST.get("action") == "cancel"
    if request.method == "GET" and not cancelling:
        return redirect("frontend:orders:detail", pk=pk)
    if cancelling and not is_confirmed(request):
        return confirm_page(request, cancel_confirmation(order))
    quantities = {}
    for line in order.lines.all():
        value = request.POST.get(f"line-{line.pk}")
        if value not in (None, ""):
            try:
                quantities[line.pk] = int(value)
            except ValueError:
                continue
    try:
        if request.POST.get("action") == "cancel":
            services.cancel_order(order=order)
            messages.success(request, _("Your order is cancelled."))
        else:
            services.change_order(order=order, quantities=quantities)
            messages.success(request, _("Your order is updated."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("frontend:orders:detail", pk=pk)


def _use_credit(data) -> bool:
    """The household's choice on the pay page: credit is used unless it unticked it."""
    return data.get("use_credit", "1") != "0"


def _pay_page(request, order: Order, *, action_secret: str = "", status: int = 200):
    checkout = customers.checkout(household=request.user)
    split = services.credit_split(order=order, use_credit=_use_credit(request.GET))
    return render(
        request,
        "frontend/orders/pay.html",
        {
            "order": order,
            "split": split,
            "stripe_js_url": settings.STRIPE_JS_URL,
            "stripe_data": {
                "publishableKey": checkout.publishable_key,
                "setupSecret": checkout.client_secret,
                "actionSecret": action_secret,
            },
            "cards": checkout.cards,
            # Captured at once (the cutoff is more than 6 days away): a margin is charged,
            # then what the weights do not cost is refunded.
            "captured_now": capture_method_for(order) == Order.Capture.AUTOMATIC,
            "food_miles": order_food_miles(order),
        },
        status=status,
    )


@login_required
def order_pay(request, pk: int):
    """GET: the saved cards to pick from and the card form. POST ``payment_method`` (a saved
    card's, or one from ``stripe.confirmCardSetup``): the server creates and confirms
    the PaymentIntent; 3-D Secure comes back to this page with the secret to confirm."""
    order = selectors.household_order(user=request.user, pk=pk)
    if order.status != Order.Status.AWAITING_PAYMENT:
        return redirect("frontend:orders:detail", pk=pk)
    if request.method != "POST":
        try:
            return _pay_page(request, order)
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return redirect("frontend:orders:detail", pk=pk)
    try:
        result = services.pay_order(
            order=order,
            payment_method=request.POST.get("payment_method", "")[:255],
            use_credit=_use_credit(request.POST),
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        again = reverse("frontend:orders:pay", args=[pk])
        return redirect(again if _use_credit(request.POST) else f"{again}?use_credit=0")
    if result.status == "requires_action":
        return _pay_page(request, result.order, action_secret=result.client_secret)
    return _paid_redirect(request, result)


def _paid_redirect(request, result):
    if result.order.status == Order.Status.PAID:
        messages.success(request, _("Thank you! Your order is paid."))
    else:
        messages.error(request, _("The payment did not go through. Please try again."))
        return redirect("frontend:orders:pay", pk=result.order.pk)
    return redirect("frontend:orders:detail", pk=result.order.pk)


@login_required
@require_POST
def order_payment_refresh(request, pk: int):
    """After ``stripe.confirmCardPayment`` (3-D Secure): re-read the PaymentIntent."""
    order = selectors.household_order(user=request.user, pk=pk)
    try:
        result = services.refresh_payment(order=order)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("frontend:orders:pay", pk=pk)
    return _paid_redirect(request, result)
