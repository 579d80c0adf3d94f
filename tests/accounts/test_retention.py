"""Retention: inactive accounts are warned, then erased; what expired is purged. Twice is once."""

from dataclasses import asdict
from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core import mail
from django.utils import timezone

from accounts.models import ApiToken, SentEmail, User
from accounts.retention import apply_retention
from accounts.services import create_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _asleep(days, **fields):
    long_ago = timezone.now() - timedelta(days=days)
    return UserFactory(date_joined=long_ago, last_login=long_ago, **fields)


def test_an_inactive_account_is_warned_once_then_erased_once(settings):
    sleeper = _asleep(settings.RETENTION_INACTIVE_DAYS + 1)
    recent = _asleep(10)
    staff = _asleep(settings.RETENTION_INACTIVE_DAYS + 1, is_staff=True)

    first = apply_retention()
    second = apply_retention()

    assert (first.warned, first.erased, second.warned, second.erased) == (1, 0, 0, 0)
    (warning,) = mail.outbox
    assert warning.to == [sleeper.email]
    assert warning.subject == "Votre compte Circuit Court va être supprimé"

    later = timezone.now() + timedelta(days=settings.RETENTION_WARNING_DAYS + 1)
    with time_machine.travel(later):
        third = apply_retention()
        fourth = apply_retention()
    assert (third.erased, fourth.erased, fourth.warned) == (1, 0, 0)
    assert User.objects.get(pk=sleeper.pk).erased_at is not None
    assert User.objects.get(pk=recent.pk).erased_at is None
    assert User.objects.get(pk=staff.pk).erased_at is None


def test_coming_back_after_the_warning_keeps_the_account(settings):
    sleeper = _asleep(settings.RETENTION_INACTIVE_DAYS + 1)
    apply_retention()
    User.objects.filter(pk=sleeper.pk).update(last_login=timezone.now())

    with time_machine.travel(timezone.now() + timedelta(days=settings.RETENTION_WARNING_DAYS + 1)):
        report = apply_retention()

    assert report.erased == 0
    assert User.objects.get(pk=sleeper.pk).is_active


def test_expired_tokens_sessions_and_old_email_logs_are_purged_once(settings):
    user = UserFactory()
    create_token(user=user, now=timezone.now() - timedelta(days=settings.API_TOKEN_TTL_DAYS + 1))
    create_token(user=user)
    old = SentEmail.objects.create(
        user=user,
        key="order-1-paid",
        sent_at=timezone.now() - timedelta(days=settings.SENT_EMAIL_RETENTION_DAYS + 1),
    )
    SentEmail.objects.create(user=user, key="order-2-paid")
    session = SessionStore()
    session["x"] = 1
    session.set_expiry(-60)
    session.save()

    first = asdict(apply_retention())
    second = asdict(apply_retention())

    assert (first["tokens"], first["sessions"], first["emails"]) == (1, 1, 1)
    assert (second["tokens"], second["sessions"], second["emails"]) == (0, 0, 0)
    assert ApiToken.objects.count() == 1
    assert not SentEmail.objects.filter(pk=old.pk).exists()
    assert not Session.objects.exists()
