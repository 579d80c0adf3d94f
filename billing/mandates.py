"""The billing mandate a farm (or a host) gives the platform to issue its invoices in its name
(« autofacturation », CGI art. 289-I-2). The terms are a French legal text, versioned: a new
version is accepted again. Accepting is idempotent (one row per payee and version)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from accounts.models import User
from billing.models import BillingMandate, Payout
from billing.tasks import issue_due_invoices_task

TERMS_VERSION = "2026-12"

_WHAT = {
    Payout.Payee.FARM: "des ventes qu’il réalise par l’intermédiaire de la plateforme",
    Payout.Payee.HOST: "des commissions qu’il perçoit comme point relais de la plateforme",
}

TERMS = """Mandat de facturation (autofacturation) — version {version}

Entre {name} (le mandant) et Circuit Court (le mandataire).

1. Objet. Le mandant confie au mandataire, qui l’accepte, l’établissement et l’émission, en son nom et pour son compte, des factures {what}, conformément à l’article 289-I-2 du code général des impôts.

2. Contenu des factures. Chaque facture porte les mentions obligatoires, dont « Autofacturation » et « Facture établie par Circuit Court au nom et pour le compte de {name} ». Elle reprend l’identité légale et le régime de TVA que le mandant a déclarés sur la plateforme ; il s’engage à les tenir à jour.

3. Numérotation. Les factures émises au nom du mandant suivent une séquence chronologique et continue qui lui est propre, sans rupture.

4. Acceptation des factures. Le mandant consulte chaque facture dès son émission, sur la plateforme. Il dispose de quinze jours pour la contester ; passé ce délai, elle est réputée acceptée. Une correction fait l’objet d’un avoir, jamais d’une modification de la facture émise.

5. Obligations fiscales. Le mandant reste seul redevable de la TVA due sur les opérations facturées et de ses obligations déclaratives.

6. Durée. Le mandat prend effet à son acceptation, pour une durée indéterminée. Le mandant peut y mettre fin à tout moment en écrivant au mandataire ; aucune facture n’est alors plus émise en son nom.
"""


def terms_text(kind: str, name: str) -> str:
    """The terms of the current version, for ``name`` (a farm or a pickup point)."""
    return TERMS.format(version=TERMS_VERSION, name=name, what=_WHAT[kind])


@dataclass(frozen=True)
class MandateState:
    """What a payee's pages and API show: its mandate under the current terms (None: not
    accepted yet) and the terms — as accepted, or to accept."""

    mandate: BillingMandate | None
    terms: str

    @property
    def terms_version(self) -> str:
        return self.mandate.terms_version if self.mandate else TERMS_VERSION


def mandate_state(kind: str, ref: int, name: str) -> MandateState:
    mandate = current_mandate(kind, ref)
    return MandateState(mandate, mandate.terms if mandate else terms_text(kind, name))


def current_mandate(kind: str, ref: int) -> BillingMandate | None:
    """The payee's mandate under the current terms, or None (no invoice in its name yet)."""
    return BillingMandate.objects.filter(
        payee_kind=kind, payee_id=ref, terms_version=TERMS_VERSION
    ).first()


def accept_mandate(*, kind: str, ref: int, name: str, by: User) -> tuple[BillingMandate, bool]:
    """``by`` accepts the current terms for the payee: the mandate, and whether it is new
    (accepting again keeps the first date). Safe to run twice or at once."""
    found = current_mandate(kind, ref)
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            mandate = BillingMandate.objects.create(
                payee_kind=kind,
                payee_id=ref,
                terms_version=TERMS_VERSION,
                terms=terms_text(kind, name),
                accepted_by=by,
                accepted_by_name=(by.get_full_name() or by.email)[:200],
            )
    except IntegrityError:  # accepted at the same instant by another member
        return current_mandate(kind, ref), False
    if kind == Payout.Payee.FARM:
        # Its sales already final get their invoices now.
        transaction.on_commit(issue_due_invoices_task.delay)
    return mandate, True
