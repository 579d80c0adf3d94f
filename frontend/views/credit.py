"""The household's credit by card: topping it up (a fixed or free amount, paid with the card
form of the pay page) and asking for it back to the card. Every rule is in
``payments.services.topups`` and ``payments.services.withdrawals``."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.errors import DomainError
from payments.models import Topup
from payments.services import customers, topups, withdrawals


def parse_cents(text: str) -> int | None:
    """``"12,50"``, ``"12.50"`` or ``"12"`` euros → 1250; None if it is not an amount."""
    text = text.strip().replace("€", "").replace(" ", "").replace(",", ".")
    if not text or len(text) > 12:
        return None
    try:
        euros = Decimal(text)
    except InvalidOperation:
        return None
    if not euros.is_finite() or euros != euros.quantize(Decimal("0.01")):
        return None
    return int(euros * 100)


@login_required
def topup(request):
    """GET: the amounts offered and a free amount. POST: start the top-up, then its card
    page."""
    choices = topups.topup_choices()
    error, status = "", 200
    if request.method == "POST":
        chosen = request.POST.get("amount", "")
        if chosen == "other":
            cents = parse_cents(request.POST.get("free_amount", ""))
        else:  # one of the fixed amounts, in cents
            cents = int(chosen) if chosen.isdigit() and len(chosen) <= 9 else None
        if cents is None:
            error, status = _("Enter an amount in euros, for example 25 or 12,50."), 400
        else:
            try:
                started = topups.start_topup(household=request.user, amount_cents=cents)
            except DomainError as exc:
                error, status = str(exc.message), 400
            else:
                return redirect("frontend:subscriptions:credit_topup_pay", pk=started.pk)
    return render(
        request,
        "frontend/credit/topup.html",
        {"choices": choices, "error": error, "free_amount": request.POST.get("free_amount", "")},
        status=status,
    )


def _topup_page(request, topup: Topup, *, action_secret: str = ""):
    checkout = customers.checkout(household=request.user)
    return render(
        request,
        "frontend/credit/topup_pay.html",
        {
            "topup": topup,
            "stripe_js_url": settings.STRIPE_JS_URL,
            "stripe_data": {
                "publishableKey": checkout.publishable_key,
                "setupSecret": checkout.client_secret,
                "actionSecret": action_secret,
            },
            "saved_card": checkout.saved_card,
        },
    )


@login_required
def topup_pay(request, pk: int):
    """GET: the card form (or the saved card). POST ``payment_method``: pay the top-up."""
    item = get_object_or_404(Topup.objects.filter(household=request.user), pk=pk)
    if item.status == Topup.Status.PAID:
        return redirect("frontend:subscriptions:account_credit")
    if request.method != "POST":
        try:
            return _topup_page(request, item)
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return redirect("frontend:subscriptions:account_credit")
    try:
        result = topups.pay_topup(
            topup=item, payment_method=request.POST.get("payment_method", "")[:255]
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("frontend:subscriptions:credit_topup_pay", pk=pk)
    if result.status == "requires_action":
        return _topup_page(request, result.topup, action_secret=result.client_secret)
    return _topped_up(request, result)


def _topped_up(request, result: topups.TopupPayResult):
    if result.topup.status != Topup.Status.PAID:
        messages.error(request, _("The payment did not go through. Please try again."))
        return redirect("frontend:subscriptions:credit_topup_pay", pk=result.topup.pk)
    messages.success(request, _("Thank you! Your credit is topped up."))
    return redirect("frontend:subscriptions:account_credit")


@login_required
@require_POST
def topup_payment_refresh(request, pk: int):
    """After ``stripe.confirmCardPayment`` (3-D Secure): re-read the PaymentIntent."""
    item = get_object_or_404(Topup.objects.filter(household=request.user), pk=pk)
    try:
        result = topups.refresh_topup_payment(topup=item)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("frontend:subscriptions:credit_topup_pay", pk=pk)
    return _topped_up(request, result)


@login_required
def withdraw(request):
    """GET: what can go back to the card. POST ``amount``: give it back; the page says what
    went back and what stays credit, and why."""
    error, status, done = "", 200, ""
    if request.method == "POST":
        cents = parse_cents(request.POST.get("amount", ""))
        if cents is None or cents <= 0:
            error, status = _("Enter an amount in euros, for example 25 or 12,50."), 400
        else:
            try:
                result = withdrawals.withdraw_credit(household=request.user, amount_cents=cents)
            except DomainError as exc:
                error, status = str(exc.message), 409
            else:
                done = withdrawals.withdrawal_message(result)
    return render(
        request,
        "frontend/credit/withdraw.html",
        {
            "options": withdrawals.withdrawal_options(household=request.user),
            "error": error,
            "done": done,
        },
        status=status,
    )
