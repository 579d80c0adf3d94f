"""The Content-Security-Policy (django-csp), built from the origins the pages really use.

No inline script anywhere: scripts come from our static files and from Stripe.js only, so an
injected `<script>` or `onclick=` does not run. The one inline `<style>` (Swagger UI's page)
carries the request's nonce.
"""

import re
from urllib.parse import urlsplit

from csp.constants import NONCE, NONE, SELF

STRIPE_API = "https://api.stripe.com"
# Stripe.js opens its 3-D Secure frames on another of Stripe's hosts.
STRIPE_EXTRA_FRAMES = {"https://js.stripe.com": ["https://hooks.stripe.com"]}


def origin(url: str) -> str | None:
    """`scheme://host[:port]` of an absolute URL, None for a relative one. A templated
    subdomain (`https://{s}.tile.example.org/{z}/{x}/{y}.png`) becomes a wildcard."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{re.sub(r'{[^}]*}', '*', parts.netloc)}"


def _sources(*items: str | None) -> list[str]:
    return list(dict.fromkeys(item for item in items if item))


STRIPE_CONNECT_ONBOARDING = "https://connect.stripe.com"


def content_security_policy(
    *,
    map_tile_url: str,
    stripe_js_url: str,
    stripe_api_base: str,
    report_uri: str = "",
    media_url: str = "",
) -> dict:
    """The CONTENT_SECURITY_POLICY setting for these peers."""
    stripe_js = origin(stripe_js_url)
    directives = {
        "default-src": [SELF],
        "script-src": _sources(SELF, stripe_js),
        "style-src": [SELF, NONCE],
        # data: for Leaflet's blank tile and Swagger UI's icons
        # the photos' storage, when it is on another origin (a bucket, a CDN)
        "img-src": _sources(SELF, "data:", origin(map_tile_url), origin(media_url)),
        "connect-src": _sources(SELF, stripe_js, origin(stripe_api_base) or STRIPE_API),
        "frame-src": _sources(stripe_js, *STRIPE_EXTRA_FRAMES.get(stripe_js or "", [])),
        "object-src": [NONE],
        "base-uri": [SELF],
        # The payouts' "Activer" form redirects to Stripe's hosted onboarding (Connect), which
        # form-action covers: connect.stripe.com, or the development peer's stand-in.
        "form-action": _sources(SELF, origin(stripe_api_base) or STRIPE_CONNECT_ONBOARDING),
        "frame-ancestors": [NONE],
    }
    if report_uri:
        directives["report-uri"] = [report_uri]
    return {"DIRECTIVES": directives}
