"""Stripe's webhook: a plain Django view on the raw body (the signature covers the bytes)."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from payments import gateway
from payments.errors import BadSignature, PaymentUnavailable
from payments.models import StripeEvent
from payments.services.connect import apply_account
from payments.services.events import handle_stripe_event


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """400 on a bad signature; 200 once the event is stored with its effect (or was already,
    or is stored as ignored: malformed, or about a PaymentIntent Stripe does not know). A 503
    (Stripe unreachable while re-reading) makes Stripe deliver again later."""
    try:
        event = gateway.parse_event(
            payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
    except BadSignature as exc:
        return JsonResponse(exc.as_dict(), status=400)
    try:
        handled = handle_stripe_event(event=event)
    except PaymentUnavailable as exc:
        return JsonResponse(exc.as_dict(), status=503)
    return JsonResponse({"received": True, "duplicate": not handled})


@csrf_exempt
@require_POST
def stripe_connect_webhook(request: HttpRequest) -> HttpResponse:
    """Connect events (about the farms' and hosts' accounts), signed with their own secret
    (``STRIPE_CONNECT_WEBHOOK_SECRET``): ``account.updated`` mirrors the account; each event is
    stored once, with its effect. Transfers are ours, written when Stripe answered: their
    events are stored and need nothing more."""
    if not settings.STRIPE_CONNECT_WEBHOOK_SECRET:
        return JsonResponse(BadSignature().as_dict(), status=400)
    try:
        event = gateway.parse_event(
            payload=request.body,
            signature=request.headers.get("Stripe-Signature", ""),
            secret=settings.STRIPE_CONNECT_WEBHOOK_SECRET,
        )
    except BadSignature as exc:
        return JsonResponse(exc.as_dict(), status=400)
    seen = gateway.account_from_event(event.object) if event.type == "account.updated" else None
    if event.malformed:
        ignored = f"malformed: {event.malformed}"
    elif event.type == "account.updated" and seen is None:
        ignored = "not an account"
    else:
        ignored = ""
    with transaction.atomic():
        try:
            with transaction.atomic():
                StripeEvent.objects.create(
                    event_id=event.id, type=event.type[:100], ignored=ignored[:100]
                )
        except IntegrityError:
            return JsonResponse({"received": True, "duplicate": True})
        if seen is not None and not apply_account(seen):
            StripeEvent.objects.filter(event_id=event.id).update(ignored="not an account of ours")
    return JsonResponse({"received": True, "duplicate": False})
