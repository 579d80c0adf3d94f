"""E-mails a person may turn off, and the one-click link that does it without logging in.

Two categories: distribution reminders (``reminders``) and calls for volunteers at the pickup
point (``roster``; the roster itself is to come, its e-mails pass ``category="roster"``).
Receipts, payment and order e-mails are transactional: always sent, no link.

The link carries the person's id and the category, signed with the secret key (no expiry: an
old e-mail's link still works). Opening it (GET) shows one button; pressing it, or a mail
client's one-click POST (RFC 8058, ``List-Unsubscribe-Post``), turns the category off.
"""

from __future__ import annotations

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.errors import UnknownUnsubscribeLink
from accounts.models import User
from common.emails import absolute_url

SIGNING_SALT = "accounts.unsubscribe"

# category → the user's field that says whether they want it
CATEGORIES = {"reminders": "reminder_emails", "roster": "roster_emails"}
NAMES = {
    "reminders": gettext_lazy("distribution reminders"),
    "roster": gettext_lazy("calls for volunteers at your pickup point"),
}


def wants(*, user: User, category: str) -> bool:
    return bool(getattr(user, CATEGORIES[category]))


def label(category: str) -> str:
    """The link's text at the bottom of an e-mail (in the active language)."""
    return _("Stop receiving %(what)s") % {"what": NAMES[category]}


def token(*, user: User, category: str) -> str:
    if category not in CATEGORIES:
        raise ValueError(f"unknown e-mail category {category!r}")
    return signing.Signer(salt=SIGNING_SALT).sign(f"{user.pk}:{category}")


def unsubscribe_url(*, user: User, category: str) -> str:
    return absolute_url(reverse("accounts:unsubscribe", args=[token(user=user, category=category)]))


def read_token(value: str) -> tuple[User, str]:
    """The person and category a link names (404 ``unknown_unsubscribe_link`` otherwise)."""
    try:
        user_id, _sep, category = signing.Signer(salt=SIGNING_SALT).unsign(value).partition(":")
    except signing.BadSignature:
        raise UnknownUnsubscribeLink() from None
    user = User.objects.filter(pk=user_id, erased_at__isnull=True).first()
    if user is None or category not in CATEGORIES:
        raise UnknownUnsubscribeLink()
    return user, category


@transaction.atomic
def unsubscribe(*, value: str) -> tuple[User, str]:
    """Turn off the category the link names (idempotent); returns the person and category."""
    user, category = read_token(value)
    User.objects.filter(pk=user.pk).update(**{CATEGORIES[category]: False})
    setattr(user, CATEGORIES[category], False)
    return user, category


@transaction.atomic
def set_email_preferences(*, user: User, reminder_emails: bool, roster_emails: bool) -> User:
    """The person chooses which optional e-mails they get (receipts always come)."""
    User.objects.filter(pk=user.pk).update(
        reminder_emails=reminder_emails, roster_emails=roster_emails
    )
    user.reminder_emails, user.roster_emails = reminder_emails, roster_emails
    return user
