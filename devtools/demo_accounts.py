"""The demo's connected accounts (``acct_demo_…``, seeded without a Stripe server by
``seed_demo``) made known to the development Stripe peer as they are recorded, so the demo's
destination charges and transfers reach them: ``manage.py localstripe`` adds them to its store
when it starts (:func:`register_demo_accounts`); a peer already running learns them through its
development control ``POST /_config/connect/accounts`` (:func:`push_demo_accounts`)."""

from __future__ import annotations

import json
import time
import urllib.request


def account_object(
    account_id: str,
    *,
    charges_enabled: bool,
    payouts_enabled: bool,
    details_submitted: bool,
    currently_due: list[str],
    metadata: dict | None = None,
) -> dict:
    """An Express account as Stripe shapes it (the fields the app reads)."""
    return {
        "id": account_id,
        "object": "account",
        "type": "express",
        "country": "FR",
        "email": None,
        "default_currency": "eur",
        "business_profile": {},
        "metadata": metadata or {},
        "charges_enabled": charges_enabled,
        "payouts_enabled": payouts_enabled,
        "details_submitted": details_submitted,
        "capabilities": dict.fromkeys(
            ["card_payments", "transfers"], "active" if charges_enabled else "inactive"
        ),
        "requirements": {
            "currently_due": list(currently_due),
            "eventually_due": list(currently_due),
            "past_due": [],
            "pending_verification": [],
            "disabled_reason": None if charges_enabled else "requirements.past_due",
            "current_deadline": None,
        },
        "created": int(time.time()),
        "livemode": False,
    }


def _demo_rows() -> list[dict]:
    """The demo accounts recorded in the database (none when it is not made yet: the peer
    also runs before any ``migrate``)."""
    from django.db import DatabaseError

    from payments.demo import DEMO_ACCOUNT_PREFIX
    from payments.models import ConnectedAccount

    try:
        rows = list(ConnectedAccount.objects.filter(account_id__startswith=DEMO_ACCOUNT_PREFIX))
    except DatabaseError:
        return []
    return [
        {
            "id": row.account_id,
            "charges_enabled": row.charges_enabled,
            "payouts_enabled": row.payouts_enabled,
            "details_submitted": row.details_submitted,
            "currently_due": list(row.requirements_due or []),
            "metadata": {"owner": f"{row.owner_kind}-{row.owner_id}"},
        }
        for row in rows
    ]


def register_demo_accounts(store) -> int:
    """Add to localstripe's ``store`` each demo account it does not know yet; how many."""
    added = 0
    for row in _demo_rows():
        key = "connect_account:" + row["id"]
        if store.get(key) is not None:
            continue
        store[key] = account_object(row.pop("id"), **row)
        if store.get("connect_balance:" + store[key]["id"]) is None:
            store["connect_balance:" + store[key]["id"]] = 0
        added += 1
    return added


def push_demo_accounts(base: str) -> int:
    """Tell the peer running at ``base`` of every demo account (created or brought up to
    date); how many."""
    rows = _demo_rows()
    for row in rows:
        request = urllib.request.Request(
            f"{base}/_config/connect/accounts",
            data=json.dumps(row).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        urllib.request.urlopen(request, timeout=5).read()
    return len(rows)
