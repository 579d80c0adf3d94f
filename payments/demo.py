"""Demo Stripe Connect accounts: records of ours (``acct_demo_…``; no Stripe server runs while
seeding). ``manage.py localstripe`` makes them known to the development Stripe peer, so the
demo's destination charges and transfers reach them."""

from __future__ import annotations

from payments.models import ConnectedAccount

DEMO_ACCOUNT_PREFIX = "acct_demo_"


def seed_connected_account(kind: str, ref: int, *, active: bool) -> ConnectedAccount:
    account, _created = ConnectedAccount.objects.update_or_create(
        owner_kind=kind,
        owner_id=ref,
        defaults={
            "account_id": f"{DEMO_ACCOUNT_PREFIX}{kind}_{ref}",
            "charges_enabled": active,
            "payouts_enabled": active,
            "details_submitted": active,
            "requirements_due": [] if active else ["external_account", "tos_acceptance.date"],
        },
    )
    return account
