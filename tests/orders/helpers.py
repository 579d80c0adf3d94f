import hashlib
import hmac
import json
import time

from django.conf import settings


def sign(payload: bytes, secret: str | None = None, timestamp: int | None = None) -> str:
    """A ``Stripe-Signature`` header the way Stripe computes it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    secret = settings.STRIPE_WEBHOOK_SECRET if secret is None else secret
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def event_body(event_id: str, type_: str, obj: dict) -> bytes:
    return json.dumps({"id": event_id, "type": type_, "data": {"object": obj}}).encode()


def post_event(client, event_id, type_, obj, secret=None):
    body = event_body(event_id, type_, obj)
    return client.post(
        "/stripe/webhook/",
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(body, secret),
    )


def place(api_client, user, distribution, lines, key="k1"):
    api_client.force_authenticate(user)
    return api_client.post(
        "/api/v1/orders/",
        {
            "distribution": distribution.pk,
            "lines": [{"offer": offer.pk, "quantity": q} for offer, q in lines],
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )
