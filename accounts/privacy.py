"""The account's own personal data (see :mod:`accounts.personal_data`): the profile, the API
tokens (never their secrets), the e-mails sent, the terms accepted (``legal``). Erasing them
is :mod:`accounts.erasure`'s (acceptances stay on the anonymised account)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken, SentEmail, User
from accounts.personal_data import PersonalData, Section
from legal.models import Acceptance


def _profile(user: User) -> dict:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "phone": user.phone,
        "language": user.language,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "reminder_emails": user.reminder_emails,
        "roster_emails": user.roster_emails,
    }


ACCOUNT_DATA = PersonalData(
    app="accounts",
    step=0,
    sections=[
        Section(
            name="profile",
            description=_("your account: e-mail address, name, phone, language, e-mail choices"),
            rows=lambda user: [user],
            row=_profile,
        ),
        Section(
            name="api_tokens",
            description=_("your API tokens: name and dates (never the secret)"),
            rows=lambda user: ApiToken.objects.filter(user=user).order_by("pk"),
            row=lambda token: {
                "name": token.name,
                "created_at": token.created_at,
                "last_used_at": token.last_used_at,
                "expires_at": token.expires_at,
            },
        ),
        Section(
            name="emails_sent",
            description=_("the e-mails we sent you: subject and date"),
            rows=lambda user: SentEmail.objects.filter(user=user).order_by("sent_at", "pk"),
            row=lambda sent: {"subject": sent.subject, "sent_at": sent.sent_at, "about": sent.key},
        ),
        Section(
            name="terms_accepted",
            description=_("the terms you accepted: which version, when"),
            rows=lambda user: Acceptance.objects.filter(user=user).order_by("accepted_at", "pk"),
            row=lambda acceptance: {
                "document": acceptance.document,
                "version": acceptance.version,
                "accepted_at": acceptance.accepted_at,
            },
        ),
    ],
)
