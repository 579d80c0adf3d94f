"""E-mails to a person, in the language they chose (:mod:`common.emails` renders them), and
the ones that must reach them once (a unique :class:`accounts.models.SentEmail` key).

An e-mail of a ``category`` the person may turn off (:data:`accounts.unsubscribe.CATEGORIES`:
distribution reminders, calls for volunteers) is not sent when they did, and otherwise
carries a one-click unsubscribe link and the ``List-Unsubscribe`` headers. Nothing is ever
sent to an erased account.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from django.db import IntegrityError, transaction

from accounts import unsubscribe
from accounts.models import SentEmail, User
from common.emails import Email, render, send


def _with_unsubscribe(user: User, build: Callable[[], Email], category: str):
    def built() -> Email:  # called inside the recipient's language
        return dataclasses.replace(
            build(),
            unsubscribe=(
                unsubscribe.label(category),
                unsubscribe.unsubscribe_url(user=user, category=category),
            ),
        )

    return built


def send_to(user: User, build: Callable[[], Email], *, category: str | None = None) -> int:
    """Write ``build``'s e-mail in ``user``'s language and send it to them (not to an erased
    account; not an e-mail of a ``category`` they turned off)."""
    if user.is_erased:
        return 0
    if category is not None:
        if not unsubscribe.wants(user=user, category=category):
            return 0
        build = _with_unsubscribe(user, build, category)
    return send(to=[user.email], rendered=render(build, language=user.language))


def send_once(
    user: User, build: Callable[[], Email], *, key: str, category: str | None = None
) -> int:
    """Send ``build``'s e-mail to ``user`` unless the e-mail ``key`` already went out: the
    key is recorded in the same transaction as the sending, with the subject (the person's
    export lists what they were sent), so a failed send records nothing (the task retries)
    and a twin run at the same moment waits on the unique key and sends nothing. Returns 1
    when sent, 0 when it had been (or the person turned that ``category`` off)."""
    if user.is_erased or (
        category is not None and not unsubscribe.wants(user=user, category=category)
    ):
        return 0
    if category is not None:
        build = _with_unsubscribe(user, build, category)
    with transaction.atomic():
        try:
            with transaction.atomic():
                sent = SentEmail.objects.create(user=user, key=key)
        except IntegrityError:
            return 0
        rendered = render(build, language=user.language)
        SentEmail.objects.filter(pk=sent.pk).update(subject=rendered.subject[:255])
        return send(to=[user.email], rendered=rendered)
