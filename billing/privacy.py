"""A farm member's or host's personal data held by billing (:mod:`accounts.personal_data`):
the billing mandates they accepted. A mandate is the proof of the contract under which the
platform issues invoices in a farm's or host's name: it is kept, with the name of who accepted
it, through an erasure (no ``erase`` hook)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from accounts.personal_data import Kept, PersonalData, Section
from billing.models import BillingMandate

BILLING_DATA = PersonalData(
    app="billing",
    sections=[
        Section(
            name="billing_mandates",
            description=gettext_lazy(
                "the billing mandates you accepted for a farm or a pickup point"
            ),
            rows=lambda user: BillingMandate.objects.filter(accepted_by=user).order_by("pk"),
            row=lambda m: {
                "payee": m.payee_kind,
                "payee_id": m.payee_id,
                "terms_version": m.terms_version,
                "accepted_at": m.accepted_at.isoformat(),
                "accepted_by_name": m.accepted_by_name,
            },
        )
    ],
    kept=[
        Kept(
            what=gettext_lazy("the billing mandates you accepted, with your name"),
            why=gettext_lazy("proof of the self-billing mandate (CGI art. 289-I-2)"),
            years=10,
        )
    ],
)
