"""The account pages: the hub (the person's details, where their orders, subscriptions,
credit, cards and invoices stand, their language), the e-mails they choose to get, a copy of
their personal data, closing the account; and the cards saved (those that have paid once), removing
one (detached at Stripe). Rules are in ``accounts.unsubscribe``, ``accounts.exports``,
``accounts.erasure`` and ``payments.services.cards``."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import erasure, exports
from accounts.errors import ErasureWaits
from accounts.unsubscribe import set_email_preferences
from billing import invoice_reads
from common.errors import DomainError
from orders import selectors as order_selectors
from payments.services import cards, wallet
from subscriptions import selectors as subscription_selectors
from subscriptions.models import Subscription


@login_required
@require_GET
def account(request):
    """The account's hub: each part of the account with a line saying where it stands."""
    person = request.user
    return render(
        request,
        "frontend/account/index.html",
        {
            "person": person,
            "orders": order_selectors.current_orders(user=person),
            "active_subscriptions": subscription_selectors.household_subscriptions(user=person)
            .filter(status=Subscription.Status.ACTIVE)
            .count(),
            "credit_cents": wallet.balance(household=person),
            "cards": len(cards.saved_cards(household=person)),
            "invoices": invoice_reads.household_invoices(person).count(),
        },
    )


@login_required
@require_POST
def email_preferences(request):
    set_email_preferences(
        user=request.user,
        reminder_emails=request.POST.get("reminder_emails") == "on",
        roster_emails=request.POST.get("roster_emails") == "on",
    )
    messages.success(request, _("Your e-mail preferences are saved."))
    return redirect("frontend:account")


@login_required
@require_POST
def export_data(request):
    """A copy of everything about the person: the ZIP now, or mailed as a link when large."""
    archive = exports.request_export(user=request.user)
    if archive is None:
        messages.success(request, exports.queued_message())
        return redirect("frontend:account")
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(
        True, exports.export_filename(request.user)
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    """GET: what deleting the account does, and what would make it wait now. POST (the box
    ticked, the password): delete it, log out."""
    error, status = "", 200
    if request.method == "POST":
        if request.POST.get("confirm") != "on":
            error, status = _("Tick the box to confirm that you want to delete your account."), 400
        else:
            try:
                erasure.request_erasure(
                    user=request.user, password=request.POST.get("password", "")
                )
            except ErasureWaits as exc:
                error, status = "", exc.status
            except DomainError as exc:
                error, status = str(exc.message), exc.status
            else:
                logout(request)
                messages.success(
                    request, _("Your account is deleted, with your personal data. Goodbye!")
                )
                return redirect("frontend:home")
    return render(
        request,
        "frontend/account/delete.html",
        {"error": error, "blockers": erasure.erasure_blockers(user=request.user)},
        status=status,
    )


@login_required
@require_GET
def account_cards(request):
    return render(
        request,
        "frontend/account/cards.html",
        {"cards": cards.saved_cards(household=request.user)},
    )


@login_required
@require_POST
def remove_card(request, pk: int):
    try:
        cards.remove_card(household=request.user, card_id=pk)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The card is removed: it can no longer be used to pay."))
    return redirect("frontend:account_cards")
