"""Households' pages about AMAP baskets: seasons to subscribe to, paying the season by card
(Stripe.js, as for orders), a subscription's weeks with skip (and undo) / pause / cancel, and
the account page with the credit balance and its ledger. Every rule is in ``orders.services``;
a refusal comes back as a message on the page it was sent from."""

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.errors import DomainError
from common.money import times
from frontend.confirm import Confirmation, confirm_page, is_confirmed
from frontend.templatetags.pickup_extras import eur
from payments.selectors import credit_ledger
from payments.services import connect, customers, wallet
from producers.selectors import producer_for_member
from subscriptions import selectors, services
from subscriptions.models import Subscription


def _priced(seasons) -> list:
    """Each season with what subscribing now gives: ``weeks_left`` baskets for ``price_left``
    (``season_price``: a late start pays only the weeks left) and ``full_weeks``."""
    seasons = list(seasons)
    for season in seasons:
        _start, season.weeks_left, season.price_left = services.season_price(season)
        season.full_weeks = len(season.weeks())
        season.full_cents = times(season.price_cents, season.full_weeks)
    return seasons


@require_GET
def season_list(request):
    context = {"seasons": _priced(selectors.open_seasons())}
    if request.user.is_authenticated:
        context["subscriptions"] = selectors.household_subscriptions(user=request.user)
        context["waitlist"] = selectors.household_waitlist(user=request.user)
    return render(request, "frontend/subscriptions/seasons.html", context)


def _point(request, season):
    try:
        return get_object_or_404(
            season.pickup_points.all(), pk=int(request.POST.get("pickup_point", ""))
        )
    except ValueError:
        return None


@login_required
@require_POST
def subscribe(request, pk: int):
    season = selectors.open_season(pk=pk)
    point = _point(request, season)
    if point is None:
        messages.error(request, _("Choose a pickup point."))
        return redirect("frontend:subscriptions:seasons")
    try:
        if request.POST.get("action") == "waitlist":
            services.join_waitlist(household=request.user, season=season, pickup_point=point)
            messages.success(request, _("You are on the waiting list."))
            return redirect("frontend:subscriptions:seasons")
        subscription = services.subscribe(household=request.user, season=season, pickup_point=point)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("frontend:subscriptions:seasons")
    if subscription.status == Subscription.Status.PENDING:
        return redirect("frontend:subscriptions:pay", pk=subscription.pk)
    messages.success(request, _("Your subscription is active."))
    return redirect("frontend:subscriptions:detail", pk=subscription.pk)


def _pay_page(request, subscription, *, action_secret: str = ""):
    checkout = customers.checkout(household=request.user)
    return render(
        request,
        "frontend/subscriptions/pay.html",
        {
            "subscription": subscription,
            "stripe_js_url": settings.STRIPE_JS_URL,
            "stripe_data": {
                "publishableKey": checkout.publishable_key,
                "setupSecret": checkout.client_secret,
                "actionSecret": action_secret,
            },
            "cards": checkout.cards,
        },
    )


def _after_payment(request, result):
    if result.subscription.status == Subscription.Status.ACTIVE:
        messages.success(request, _("Thank you! Your season is paid."))
        return redirect("frontend:subscriptions:detail", pk=result.subscription.pk)
    messages.error(request, _("The payment did not go through. Please try again."))
    return redirect("frontend:subscriptions:pay", pk=result.subscription.pk)


@login_required
def pay(request, pk: int):
    """GET: the saved cards and the card form. POST ``payment_method``: the server creates and
    confirms the PaymentIntent (3-D Secure comes back here with the secret to confirm)."""
    subscription = selectors.household_subscription(user=request.user, pk=pk)
    if subscription.status != Subscription.Status.PENDING:
        return redirect("frontend:subscriptions:detail", pk=pk)
    try:
        if request.method != "POST":
            return _pay_page(request, subscription)
        result = services.pay_subscription(
            subscription=subscription, payment_method=request.POST.get("payment_method", "")[:255]
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        if request.method == "POST":
            return redirect("frontend:subscriptions:pay", pk=pk)
        return redirect("frontend:subscriptions:seasons")
    if result.status == "requires_action":
        return _pay_page(request, result.subscription, action_secret=result.client_secret)
    return _after_payment(request, result)


@login_required
@require_POST
def payment_refresh(request, pk: int):
    subscription = selectors.household_subscription(user=request.user, pk=pk)
    try:
        result = services.refresh_subscription_payment(subscription=subscription)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("frontend:subscriptions:pay", pk=pk)
    return _after_payment(request, result)


def _weeks(subscription: Subscription) -> list[dict]:
    """Each paid week, with the catalogue's address to add products to its basket order."""
    return [
        {
            **vars(row),
            "add_url": reverse(
                "frontend:distribution_catalogue",
                args=[row.basket.distribution.pickup_point.slug, row.basket.distribution_id],
            )
            if row.orderable
            else "",
        }
        for row in selectors.subscription_weeks(subscription=subscription)
    ]


@login_required
@require_GET
def detail(request, pk: int):
    subscription = selectors.household_subscription(user=request.user, pk=pk)
    return render(
        request,
        "frontend/subscriptions/detail.html",
        {
            "subscription": subscription,
            "weeks": _weeks(subscription),
            "skips_left": max(subscription.season.max_skips - subscription.skips.count(), 0),
            "cancel_confirmation": cancel_confirmation(subscription),
        },
    )


def cancel_confirmation(subscription: Subscription) -> Confirmation:
    """Asked before cancelling a subscription: how many weeks become how much credit (what
    ``cancel_subscription`` gives back)."""
    if subscription.status == Subscription.Status.ACTIVE:
        weeks = len(services.weeks_to_credit(subscription))
        amount = times(subscription.price_cents, weeks)
        consequence = ngettext(
            "No more baskets: %(count)d week not yet delivered becomes %(amount)s of credit.",
            "No more baskets: %(count)d weeks not yet delivered become %(amount)s of credit.",
            weeks,
        ) % {"count": weeks, "amount": eur(amount)}
    else:
        consequence = _("No more baskets: the %(amount)s of credit it used comes back.") % {
            "amount": eur(subscription.credit_used_cents)
        }
    return Confirmation(
        action=reverse("frontend:subscriptions:change", args=[subscription.pk]),
        title=_("Cancel my subscription?"),
        consequence=consequence,
        confirm_label=_("Yes, cancel my subscription"),
        back=reverse("frontend:subscriptions:detail", args=[subscription.pk]),
        fields={"action": "cancel"},
    )


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_http_methods(["GET", "POST"])
def change(request, pk: int):
    """Skip a week (or undo a skip), pause between two dates, or cancel: cancelling is asked
    first (GET gives the confirm page, a POST without ``confirm=1`` is refused with it)."""
    subscription = selectors.household_subscription(user=request.user, pk=pk)
    action = request.POST.get("action") or request.GET.get("action")
    if request.method == "GET" and action != "cancel":
        return redirect("frontend:subscriptions:detail", pk=pk)
    if action == "cancel" and not is_confirmed(request):
        return confirm_page(request, cancel_confirmation(subscription))
    try:
        if action == "skip" and _date(request.POST.get("week")):
            services.skip_week(subscription=subscription, week=_date(request.POST["week"]))
            messages.success(request, _("This week is skipped; its price is on your credit."))
        elif action == "unskip" and _date(request.POST.get("week")):
            if services.unskip_week(subscription=subscription, week=_date(request.POST["week"])):
                messages.success(
                    request,
                    _(
                        "The skip is undone: your basket is back and its price has left your credit."
                    ),
                )
            else:
                messages.info(request, _("This week is not skipped."))
        elif (
            action == "pause"
            and _date(request.POST.get("starts_on"))
            and _date(request.POST.get("ends_on"))
        ):
            services.pause_subscription(
                subscription=subscription,
                starts_on=_date(request.POST["starts_on"]),
                ends_on=_date(request.POST["ends_on"]),
            )
            messages.success(request, _("Your basket is paused; those weeks are on your credit."))
        elif action == "cancel":
            services.cancel_subscription(subscription=subscription)
            messages.success(request, _("Your subscription is cancelled."))
        else:
            messages.error(request, _("Choose a valid date."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("frontend:subscriptions:detail", pk=pk)


@login_required
def account_credit(request):
    """The household's credit: balance (sum of the ledger), movements, refund preference."""
    if request.method == "POST":
        wallet.set_refund_preference(
            household=request.user, to_credit=request.POST.get("refunds_to_credit") == "on"
        )
        messages.success(request, _("Your preference is saved."))
        return redirect("frontend:subscriptions:account_credit")
    return render(
        request,
        "frontend/subscriptions/credit.html",
        {
            "ledger": credit_ledger(user=request.user),
            "refunds_to_credit": wallet.refunds_to_credit(household=request.user),
        },
    )


@login_required
@require_GET
def producer_baskets(request, slug: str):
    """A farm's basket seasons: baskets to harvest per pickup point and week, skips, and the
    waiting list (its members only; anyone else gets a 404)."""
    producer = producer_for_member(user=request.user, slug=slug)
    seasons = [
        selectors.season_counts(season=season)
        for season in _priced(selectors.producer_seasons(producer=producer))
    ]
    account = connect.account_of("producer", producer.pk)
    return render(
        request,
        "frontend/subscriptions/producer.html",
        {
            "producer": producer,
            "seasons": seasons,
            # The farm sells its seasons itself: they open once it can take payments.
            "seasons_closed": account is None or not account.can_take_charges,
        },
    )
