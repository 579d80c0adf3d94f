from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_safe

from legal.documents import TERMS_VERSION, publisher

PAGES = {
    "terms": "legal/terms.html",
    "privacy": "legal/privacy.html",
    "notice": "legal/notice.html",
    "accessibility": "legal/accessibility.html",
}


@require_safe
def legal_page(request, page: str):
    """One of the legal pages, open to everyone, with the publisher's facts from the settings."""
    return render(
        request,
        PAGES[page],
        {
            "publisher": publisher(),
            "terms_version": TERMS_VERSION,
            "site_url": settings.SITE_URL,
            "order_expiry_minutes": settings.ORDER_EXPIRY_MINUTES,
        },
    )
