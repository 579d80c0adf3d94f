"""E-mails: written once as sections (paragraphs, label/value rows, a link), rendered as plain
text and as simple HTML (inline styles, one column readable on a phone) with the same content,
in the recipient's language, with times in Europe/Paris; sent with ``EmailMultiAlternatives``.

Builders are called inside ``translation.override(language)``: their ``gettext`` strings come
out in the recipient's language. Times are written by ``common.dates`` (here :func:`format_date`,
:func:`format_time`, :func:`format_slot`): a Celery worker has no active time zone of the
person, and ``strftime`` on an aware UTC value says 17:00 for an 18:00 distribution in winter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from common import dates


@dataclass(frozen=True)
class Section:
    """A block of an e-mail: an optional title, paragraphs, then label/value rows."""

    title: str = ""
    paragraphs: Sequence[str] = ()
    rows: Sequence[tuple[str, str]] = ()


@dataclass(frozen=True)
class Email:
    subject: str
    sections: Sequence[Section]
    # (label, absolute URL): a button in HTML, "label: URL" in text.
    action: tuple[str, str] | None = None
    greeting: str = ""
    # (label, absolute URL) of the one-click unsubscribe page, for e-mails a person may turn
    # off (reminders, calls for volunteers): a line at the bottom, and the ``List-Unsubscribe``
    # headers (RFC 2369, RFC 8058). Receipts and other transactional e-mails have none.
    unsubscribe: tuple[str, str] | None = None


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    language: str
    unsubscribe_url: str = ""


def language_of(language: str | None) -> str:
    """A supported language code, French when none (or an unknown one) was chosen."""
    supported = {code for code, _name in settings.LANGUAGES}
    return language if language in supported else settings.LANGUAGE_CODE


def local(value: datetime) -> datetime:
    """``value`` in the service's time zone (Europe/Paris), whatever time zone is active."""
    return value.astimezone(ZoneInfo(settings.TIME_ZONE))


def format_date(value: datetime, *, year: bool = True) -> str:
    """ "samedi 8 décembre 2026" (French) / "Saturday 8 December 2026" (``common.dates``)."""
    return dates.day(value, year=year)


def format_time(value: datetime) -> str:
    """ "18 h" / "6 pm" in Europe/Paris (``common.dates``)."""
    return dates.hour(value)


def format_slot(starts_at: datetime, ends_at: datetime, *, year: bool = False) -> str:
    """ "samedi 8 décembre, 18 h – 19 h 30" in Europe/Paris (``common.dates``)."""
    return dates.slot(starts_at, ends_at, year=year)


def format_datetime(value: datetime) -> str:
    """ "samedi 8 décembre 2026 à 18 h" in Europe/Paris (``common.dates``)."""
    return dates.day_time(value, year=True)


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def render(build: Callable[[], Email], *, language: str | None) -> Rendered:
    """Build the e-mail in ``language`` (French by default) and render both alternatives
    from the same sections, so the text says exactly what the HTML says."""
    language = language_of(language)
    with translation.override(language):
        email = build()
        context = {"email": email, "language": language}
        text = render_to_string("common/emails/message.txt", context)
        html = render_to_string("common/emails/message.html", context)
    return Rendered(
        subject=" ".join(email.subject.split()),
        text=text,
        html=html,
        language=language,
        unsubscribe_url=email.unsubscribe[1] if email.unsubscribe else "",
    )


def send(*, to: Sequence[str], rendered: Rendered) -> int:
    """Send one e-mail (text, with the HTML alternative) to ``to``; returns 1 once sent."""
    if not to:
        return 0
    headers = {"Content-Language": rendered.language}
    if rendered.unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{rendered.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        headers=headers,
    )
    message.attach_alternative(rendered.html, "text/html")
    return message.send()
