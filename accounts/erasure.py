"""Closing an account and erasing what it holds about its owner (RGPD art. 17).

The user row is never deleted: orders, payments and the credit ledger point at it (``PROTECT``)
and must still add up for the books (``manage.py reconcile``). It is **anonymised in place**:
same primary key, a neutral address (``erased-<pk>@erased.invalid``), no name, no phone, an
unusable password, inactive. Every app erases or anonymises its own rows through the registry
(:mod:`accounts.personal_data`); what the law makes us keep (issued invoices) stays.

The steps, in this order:

1. **Blockers** (reads only): what makes the erasure wait — an active subscription, an order
   past its cutoff not handed over yet, credit that cannot go back to a card, a payment in
   progress. Then nothing is changed and :class:`ErasureWaits` says why.
2. **Prepare**, each app in its own transactions (``step`` order): orders still changeable are
   cancelled and refunded, waiting lists left, plots given back; last, the credit goes back
   to the cards it came from (``payments.services.withdrawals``).
3. **Erase**, in one transaction under the person's row lock: the blockers are asked again
   (a refund Stripe has not taken yet, credit left), then every app erases its rows, the
   tokens and sessions are revoked and the user row is anonymised. Organisations the person
   leaves without a member are named to the operators (an e-mail after the commit).

Erasing an erased account does nothing. After it, logging in with the old address fails and
a new sign-up with it works (the address is free again).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import personal_data
from accounts.errors import ErasureWaits, WrongPassword
from accounts.models import ApiToken, SentEmail, User

logger = logging.getLogger(__name__)

ERASED_DOMAIN = "erased.invalid"  # .invalid is reserved (RFC 2606): never a real mailbox


def erased_email(user_id: int) -> str:
    return f"erased-{user_id}@{ERASED_DOMAIN}"


@dataclass(frozen=True)
class ErasureResult:
    user_id: int
    erased_at: datetime
    notes: list[str]


def erasure_blockers(*, user: User) -> list[personal_data.Blocker]:
    """Why ``user``'s erasure would wait now (empty: it can go ahead). Reads only."""
    return personal_data.blockers(user)


def request_erasure(*, user: User, password: str) -> ErasureResult:
    """The person closes their own account: their password again (400 ``wrong_password``),
    then :func:`erase_account`."""
    if not password or not user.check_password(password):
        raise WrongPassword()
    return erase_account(user=user)


def erase_account(*, user: User, now: datetime | None = None) -> ErasureResult:
    """Erase ``user``'s personal data (see the module). 409 ``erasure_waits`` with the reasons
    when something must happen first; idempotent once done."""
    now = now or timezone.now()
    if user.erased_at is not None:
        return ErasureResult(user.pk, user.erased_at, [])
    reasons = erasure_blockers(user=user)
    if reasons:
        raise ErasureWaits(reasons)
    for data in personal_data.registered():
        if data.prepare:
            data.prepare(user)
    return _erase(user_id=user.pk, now=now)


@transaction.atomic
def _erase(*, user_id: int, now: datetime) -> ErasureResult:
    user = User.objects.select_for_update().get(pk=user_id)
    if user.erased_at is not None:  # a twin request got here first
        return ErasureResult(user.pk, user.erased_at, [])
    reasons = erasure_blockers(user=user)
    if reasons:
        raise ErasureWaits(reasons)
    old = {"email": user.email, "name": user.full_name}
    notes: list[str] = []
    with translation.override(settings.LANGUAGE_CODE):  # notes are for the operators
        for data in personal_data.registered():
            if data.erase:
                notes.extend(data.erase(user))
    _revoke_access(user, old_email=old["email"])
    _anonymise(user, now=now)
    _forget_in_admin_log(user, **old)
    if notes:
        transaction.on_commit(lambda: _tell_operators(user.pk, notes))
    logger.info("account %s erased", user.pk)
    return ErasureResult(user.pk, now, notes)


def _revoke_access(user: User, *, old_email: str) -> None:
    """Tokens, sessions and log-in attempts of the person: gone."""
    ApiToken.objects.filter(user=user).delete()
    SentEmail.objects.filter(user=user).delete()
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username__iexact=old_email).delete()
    # Sessions keep the user's id only inside their encoded data: read each live one.
    mine = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk)
    ]
    Session.objects.filter(pk__in=mine).delete()


def _anonymise(user: User, *, now: datetime) -> None:
    user.email = erased_email(user.pk)
    user.full_name = ""
    user.phone = ""
    user.language = ""
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.reminder_emails = False
    user.roster_emails = False
    user.retention_warned_at = None
    user.erased_at = now
    user.save()
    user.groups.clear()
    user.user_permissions.clear()


def _forget_in_admin_log(user: User, *, email: str, name: str) -> None:
    """The admin's history names objects as they were shown: not the person any more."""
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    )
    entries.update(object_repr=str(user))
    for old in {email, name} - {""}:
        if len(old) < 3:
            continue
        for entry in LogEntry.objects.filter(object_repr__icontains=old).only("object_repr"):
            LogEntry.objects.filter(pk=entry.pk).update(
                object_repr=entry.object_repr.replace(old, "—")
            )


def _tell_operators(user_id: int, notes: list[str]) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Account %(id)s erased: organisations to look after") % {"id": user_id}
        body = _(
            "An account was erased at its owner's request or after its inactivity. What it "
            "leaves behind:\n\n%(notes)s\n"
        ) % {"notes": "\n".join(f"- {note}" for note in notes)}
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [settings.OPERATORS_EMAIL])
