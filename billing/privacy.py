"""A person's data held by billing (:mod:`accounts.personal_data`): the billing mandates
they accepted for a farm or a point, and the invoices and credit notes issued to them as a
household. A mandate is the proof of the contract under which the platform issues invoices in
a farm's or host's name; an issued invoice is an accounting record (C. com. L123-22, 10
years): both are kept through an erasure, the invoice with the name it carries (no ``erase``
hook: the invoice's copy of the buyer does not change)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from accounts.personal_data import Kept, PersonalData, Section
from billing.models import BillingMandate, Invoice

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
        ),
        Section(
            name="invoices",
            description=gettext_lazy("the invoices and credit notes issued to you"),
            rows=lambda user: Invoice.objects.filter(household=user).order_by("issued_at", "pk"),
            row=lambda i: {
                "number": i.number,
                "document": i.document,
                "issued_at": i.issued_at.isoformat(),
                "seller": i.seller.get("legal_name", ""),
                "buyer": i.buyer.get("name", ""),
                "order_id": i.order_id,
                "total_incl_cents": i.total_incl_cents,
                "vat_cents": i.vat_cents,
            },
        ),
    ],
    kept=[
        Kept(
            what=gettext_lazy("the billing mandates you accepted, with your name"),
            why=gettext_lazy("proof of the self-billing mandate (CGI art. 289-I-2)"),
            years=10,
        ),
        Kept(
            what=gettext_lazy("the invoices and credit notes issued to you, with your name"),
            why=gettext_lazy("accounting records (Code de commerce, art. L123-22)"),
            years=10,
        ),
    ],
)
