from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import ApiToken, User


def live_tokens(*, user: User, now: datetime | None = None) -> QuerySet[ApiToken]:
    """A person's tokens that still work, newest first (expired ones wait for the cleanup)."""
    return ApiToken.objects.filter(user=user, expires_at__gt=now or timezone.now()).order_by(
        "-created_at", "-pk"
    )
