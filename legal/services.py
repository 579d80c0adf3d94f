from datetime import datetime

from django.db import transaction
from django.utils import timezone

from legal.documents import TERMS_VERSION
from legal.models import Acceptance


@transaction.atomic
def record_acceptance(
    *,
    user,
    document: str = Acceptance.Document.TERMS,
    version: str = TERMS_VERSION,
    at: datetime | None = None,
) -> Acceptance:
    """Record that ``user`` accepted ``version`` of ``document`` (by default the terms in
    force), dated ``at`` (now). Once per version: accepting again keeps the first date."""
    acceptance, _created = Acceptance.objects.get_or_create(
        user=user,
        document=document,
        version=version,
        defaults={"accepted_at": at or timezone.now()},
    )
    return acceptance
