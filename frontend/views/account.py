"""The household's account pages about its cards: the cards saved (those that have paid once)
and removing one (detached at Stripe). Rules are in ``payments.services.cards``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.errors import DomainError
from payments.services import cards


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
