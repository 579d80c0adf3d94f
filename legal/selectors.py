from legal.documents import TERMS_VERSION
from legal.models import Acceptance


def accepted_terms(user) -> Acceptance | None:
    """The person's acceptance of the terms in force, or None (never, or an older version)."""
    return Acceptance.objects.filter(
        user=user, document=Acceptance.Document.TERMS, version=TERMS_VERSION
    ).first()
