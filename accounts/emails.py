"""E-mails to a person, in the language they chose (:mod:`common.emails` renders them), and
the ones that must reach them once (a unique :class:`accounts.models.SentEmail` key)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction

from accounts.models import SentEmail, User
from common.emails import Email, render, send


def send_to(user: User, build: Callable[[], Email]) -> int:
    """Write ``build``'s e-mail in ``user``'s language and send it to them."""
    return send(to=[user.email], rendered=render(build, language=user.language))


def send_once(user: User, build: Callable[[], Email], *, key: str) -> int:
    """Send ``build``'s e-mail to ``user`` unless the e-mail ``key`` already went out: the
    key is recorded in the same transaction as the sending, so a failed send records
    nothing (the task retries) and a twin run at the same moment waits on the unique key and
    sends nothing. Returns 1 when sent, 0 when it had been."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                SentEmail.objects.create(user=user, key=key)
        except IntegrityError:
            return 0
        return send_to(user, build)
