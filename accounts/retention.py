"""How long personal data is kept (docs/personal-data.md has the table).

A periodic task (:func:`apply_retention`, daily) does, each time, what is due — running it
twice does it once:

- an account not used for ``RETENTION_INACTIVE_DAYS`` (default 3 years, the CNIL's advice) is
  warned by e-mail, once (``retention_warned_at``); used again (logged in, a token used), it
  is left alone, and a later inactivity warns it again;
- ``RETENTION_WARNING_DAYS`` after the warning, still unused, it is erased
  (:func:`accounts.erasure.erase_account`); one whose erasure must wait (credit that cannot
  go back to a card, a running subscription) is kept and logged for the operators;
- expired API tokens and sessions are deleted, the log of e-mails sent is kept
  ``SENT_EMAIL_RETENTION_DAYS``, mailed exports are deleted when their link expires.

Operators' accounts (staff) are never erased by inactivity.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import F, Max, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.emails import send_once
from accounts.erasure import erase_account
from accounts.errors import ErasureWaits
from accounts.exports import purge_expired_exports
from accounts.models import SentEmail, User
from accounts.services import delete_expired_tokens
from common.emails import Email, Section, absolute_url, format_date

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetentionReport:
    warned: int
    erased: int
    waiting: int
    tokens: int
    sessions: int
    emails: int
    exports: int


def with_last_seen(users: QuerySet[User]) -> QuerySet[User]:
    """Each account with ``last_seen``: its last log-in or token use, else when it was opened."""
    return users.annotate(
        last_token_use=Max("api_tokens__last_used_at"),
    ).annotate(
        last_seen=Greatest(
            F("date_joined"),
            Coalesce(F("last_login"), F("date_joined")),
            Coalesce(F("last_token_use"), F("date_joined")),
        )
    )


def inactive_accounts(*, now: datetime) -> QuerySet[User]:
    limit = now - timedelta(days=settings.RETENTION_INACTIVE_DAYS)
    people = User.objects.filter(erased_at__isnull=True, is_staff=False, is_superuser=False)
    return with_last_seen(people).filter(last_seen__lt=limit)


def _send_warning(user: User, *, erase_on: datetime, last_seen: datetime) -> int:
    def build() -> Email:
        return Email(
            subject=_("Your Circuit Court account will be deleted"),
            greeting=_("Hello %(name)s,") % {"name": user.get_short_name()},
            sections=[
                Section(
                    paragraphs=[
                        _(
                            "You have not used your account since %(since)s. We keep personal "
                            "data only while it is useful: without a visit from you, your "
                            "account and your personal data will be deleted on %(when)s."
                        )
                        % {"since": format_date(last_seen), "when": format_date(erase_on)},
                        _("To keep your account, just log in before that date."),
                    ]
                )
            ],
            action=(_("Log in"), absolute_url(reverse("accounts:login"))),
        )

    return send_once(user, build, key=f"retention-warning-{user.pk}-{last_seen:%Y%m%d%H%M%S}")


def warn_inactive(*, now: datetime) -> int:
    """Warn the inactive accounts not warned since they were last seen; returns how many."""
    warned = 0
    for user in inactive_accounts(now=now).order_by("pk"):
        if user.retention_warned_at is not None and user.retention_warned_at > user.last_seen:
            continue
        erase_on = now + timedelta(days=settings.RETENTION_WARNING_DAYS)
        _send_warning(user, erase_on=erase_on, last_seen=user.last_seen)
        User.objects.filter(pk=user.pk).update(retention_warned_at=now)
        warned += 1
    return warned


def erase_inactive(*, now: datetime) -> tuple[int, int]:
    """Erase the accounts warned long enough ago and not used since; returns (erased, waiting)."""
    due = now - timedelta(days=settings.RETENTION_WARNING_DAYS)
    erased = waiting = 0
    for user in inactive_accounts(now=now).filter(retention_warned_at__lte=due).order_by("pk"):
        if user.retention_warned_at <= user.last_seen:  # used after the warning
            continue
        try:
            erase_account(user=user, now=now)
        except ErasureWaits as exc:
            waiting += 1
            logger.warning(
                "inactive account %s not erased: %s",
                user.pk,
                ", ".join(reason.code for reason in exc.reasons),
            )
        else:
            erased += 1
    return erased, waiting


def purge_sent_emails(*, now: datetime) -> int:
    limit = now - timedelta(days=settings.SENT_EMAIL_RETENTION_DAYS)
    deleted, _rows = SentEmail.objects.filter(sent_at__lt=limit).delete()
    return deleted


def purge_expired_sessions(*, now: datetime) -> int:
    deleted, _rows = Session.objects.filter(expire_date__lt=now).delete()
    return deleted


def apply_retention(*, now: datetime | None = None) -> RetentionReport:
    """Everything due (see the module); idempotent."""
    now = now or timezone.now()
    erased, waiting = erase_inactive(now=now)
    warned = warn_inactive(now=now)
    return RetentionReport(
        warned=warned,
        erased=erased,
        waiting=waiting,
        tokens=delete_expired_tokens(now=now),
        sessions=purge_expired_sessions(now=now),
        emails=purge_sent_emails(now=now),
        exports=purge_expired_exports(now=now),
    )
