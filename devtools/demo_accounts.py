"""The demo's connected accounts (``acct_demo_…``, seeded without a Stripe server by
``seed_demo``) made known to the development Stripe peer when it starts, as they are recorded:
the demo's destination charges and transfers then reach them."""

from __future__ import annotations

import time


def register_demo_accounts(store) -> int:
    """Add to localstripe's ``store`` each demo account it does not know yet; how many (none
    when the database is not made yet: the peer also runs before any ``migrate``)."""
    from django.db import DatabaseError

    from payments.demo import DEMO_ACCOUNT_PREFIX
    from payments.models import ConnectedAccount

    try:
        rows = list(ConnectedAccount.objects.filter(account_id__startswith=DEMO_ACCOUNT_PREFIX))
    except DatabaseError:
        return 0
    added = 0
    for row in rows:
        key = "connect_account:" + row.account_id
        if store.get(key) is not None:
            continue
        due = list(row.requirements_due or [])
        store[key] = {
            "id": row.account_id,
            "object": "account",
            "type": "express",
            "country": "FR",
            "email": None,
            "default_currency": "eur",
            "business_profile": {},
            "metadata": {"owner": f"{row.owner_kind}-{row.owner_id}"},
            "charges_enabled": row.charges_enabled,
            "payouts_enabled": row.payouts_enabled,
            "details_submitted": row.details_submitted,
            "capabilities": dict.fromkeys(
                ["card_payments", "transfers"], "active" if row.charges_enabled else "inactive"
            ),
            "requirements": {
                "currently_due": due,
                "eventually_due": due,
                "past_due": [],
                "pending_verification": [],
                "disabled_reason": None if row.charges_enabled else "requirements.past_due",
                "current_deadline": None,
            },
            "created": int(time.time()),
            "livemode": False,
        }
        if store.get("connect_balance:" + row.account_id) is None:
            store["connect_balance:" + row.account_id] = 0
        added += 1
    return added
