"""Stripe's webhook: a plain Django view on the raw body (the signature covers the bytes)."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from payments import gateway
from payments.errors import BadSignature, PaymentUnavailable
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
