"""A person's copy of everything the service holds about them (RGPD art. 15 and 20).

One ZIP: for each :class:`accounts.personal_data.Section` every app registered, a JSON file
and a CSV file with the same rows (machine-readable, and readable in a spreadsheet), and a
``LISEZMOI.txt`` / ``README.txt`` saying what each file is and what the law makes us keep.
Amounts are integer cents, times ISO 8601 in Europe/Paris.

A small export is built in the request. One with more than ``PERSONAL_DATA_EXPORT_MAX_ROWS``
rows is built by a task, stored under ``PERSONAL_DATA_EXPORT_DIR``, and its link is mailed to
the person: the link is signed, works for its owner only (logged in) and expires after
``PERSONAL_DATA_EXPORT_LINK_HOURS``; the retention job deletes the file then.
"""

from __future__ import annotations

import io
import json
import secrets
import zipfile
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import personal_data
from accounts.emails import send_once
from accounts.errors import ExportLinkExpired
from accounts.models import User
from accounts.tasks import build_personal_data_export_task
from common.csv import csv_text
from common.emails import Email, Section, absolute_url, format_datetime, local

SIGNING_SALT = "accounts.personal-data-export"


def storage() -> FileSystemStorage:
    return FileSystemStorage(location=settings.PERSONAL_DATA_EXPORT_DIR)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return local(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _rows(section: personal_data.Section, user: User) -> list[dict[str, Any]]:
    return [
        {key: _plain(value) for key, value in section.row(obj).items()}
        for obj in section.rows(user)
    ]


def _count(rows: QuerySet | Iterable[Any]) -> int:
    return rows.count() if isinstance(rows, QuerySet) else len(list(rows))


def export_size(*, user: User) -> int:
    """How many rows the person's export holds (one count per section)."""
    return sum(_count(section.rows(user)) for section in personal_data.sections())


def _readme(user: User, counts: dict[str, int]) -> str:
    lines = [
        _("Circuit Court: your personal data"),
        "",
        _("Exported on %(when)s for %(email)s.")
        % {"when": format_datetime(timezone.now()), "email": user.email},
        _(
            "Each kind of data comes twice: a JSON file (to reuse elsewhere) and a CSV file (to "
            "open in a spreadsheet). Amounts are in cents of euro; times are in Paris time."
        ),
        "",
        _("Files:"),
    ]
    for section in personal_data.sections():
        count = counts[section.name]
        rows = ngettext("%(count)s row", "%(count)s rows", count) % {"count": count}
        lines.append(f"- {section.name}.json, {section.name}.csv: {section.description} ({rows})")
    kept = personal_data.kept()
    lines += ["", _("What we must keep after your account is deleted:")]
    if kept:
        lines += [
            "- "
            + ngettext(
                "%(what)s: %(years)s year (%(why)s).",
                "%(what)s: %(years)s years (%(why)s).",
                item.years,
            )
            % {"what": item.what, "years": item.years, "why": item.why}
            for item in kept
        ]
    else:
        lines.append("- " + _("nothing yet: no invoice has been issued in your name."))
    lines += [
        "",
        _("Card numbers are never stored by Circuit Court: only the brand and last 4 digits."),
        _("Questions: %(email)s") % {"email": settings.OPERATORS_EMAIL},
        "",
    ]
    return "\n".join(lines)


def build_export(*, user: User) -> bytes:
    """The ZIP of everything about ``user`` (see the module), in their language."""
    buffer = io.BytesIO()
    counts: dict[str, int] = {}
    with (
        translation.override(user.language or settings.LANGUAGE_CODE),
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for section in personal_data.sections():
            rows = _rows(section, user)
            counts[section.name] = len(rows)
            archive.writestr(
                f"{section.name}.json", json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
            )
            header = list(rows[0]) if rows else []
            archive.writestr(
                f"{section.name}.csv",
                csv_text(header, ([row[key] for key in header] for row in rows)),
            )
        archive.writestr("README.txt", _readme(user, counts))
    return buffer.getvalue()


def export_filename(user: User) -> str:
    return f"circuit-court-donnees-{user.pk}-{timezone.localdate():%Y-%m-%d}.zip"


def is_large(*, user: User) -> bool:
    return export_size(user=user) > settings.PERSONAL_DATA_EXPORT_MAX_ROWS


def queued_message() -> str:
    hours = settings.PERSONAL_DATA_EXPORT_LINK_HOURS
    return ngettext(
        "Your data is being gathered: we will e-mail you a download link shortly (it works "
        "for %(hours)s hour).",
        "Your data is being gathered: we will e-mail you a download link shortly (it works "
        "for %(hours)s hours).",
        hours,
    ) % {"hours": hours}


def request_export(*, user: User) -> bytes | None:
    """The person asks for their data: the ZIP now, or None when it is large — then a task
    builds it and mails the link (queued after the commit)."""
    if is_large(user=user):
        transaction.on_commit(partial(build_personal_data_export_task.delay, user.pk))
        return None
    return build_export(user=user)


# --- Large exports: built by a task, mailed as a link that expires ---------------------------


def link_token(*, user: User, name: str) -> str:
    return signing.TimestampSigner(salt=SIGNING_SALT).sign(f"{user.pk}:{name}")


def build_and_mail_export(*, user_id: int) -> str:
    """Build the export of ``user_id``, store it, and mail its owner the link (the task)."""
    user = User.objects.get(pk=user_id)
    if user.is_erased:
        return ""
    name = f"{user.pk}-{secrets.token_hex(16)}.zip"
    storage().save(name, ContentFile(build_export(user=user)))
    url = absolute_url(reverse("accounts:export_download", args=[link_token(user=user, name=name)]))
    expires = timezone.now() + timedelta(hours=settings.PERSONAL_DATA_EXPORT_LINK_HOURS)

    def build() -> Email:
        return Email(
            subject=_("Your personal data is ready to download"),
            greeting=_("Hello %(name)s,") % {"name": user.get_short_name()},
            sections=[
                Section(
                    paragraphs=[
                        _(
                            "You asked for a copy of your personal data: it is ready. The link "
                            "works once you are logged in, until %(when)s."
                        )
                        % {"when": format_datetime(expires)}
                    ]
                )
            ],
            action=(_("Download my data"), url),
        )

    send_once(user, build, key=f"personal-data-export-{name}")
    return name


def open_export(*, user: User, token: str):
    """The stored export a mailed link names, for its owner only, before it expires
    (410 ``export_link_expired`` after: the file is gone or going)."""
    max_age = timedelta(hours=settings.PERSONAL_DATA_EXPORT_LINK_HOURS)
    try:
        value = signing.TimestampSigner(salt=SIGNING_SALT).unsign(token, max_age=max_age)
    except signing.SignatureExpired:
        raise ExportLinkExpired() from None
    except signing.BadSignature:
        raise ExportLinkExpired() from None
    owner, _sep, name = value.partition(":")
    if owner != str(user.pk) or not storage().exists(name):
        raise ExportLinkExpired()
    return storage().open(name, "rb")


def purge_expired_exports(*, now: datetime | None = None) -> int:
    """Delete the stored exports older than their link; returns how many."""
    now = now or timezone.now()
    limit = now - timedelta(hours=settings.PERSONAL_DATA_EXPORT_LINK_HOURS)
    files = storage()
    try:
        _dirs, names = files.listdir("")
    except FileNotFoundError:
        return 0
    deleted = 0
    for name in names:
        if name.endswith(".zip") and files.get_modified_time(name) <= limit:
            files.delete(name)
            deleted += 1
    return deleted
