import hashlib
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.errors import (
    EmailTaken,
    InactiveAccount,
    InvalidCredentials,
    LockedOut,
    TokenExpired,
    UnknownToken,
)
from accounts.models import ApiToken, User
from common.errors import Invalid, NotFound, check_editable
from legal.services import record_acceptance

# 20 random bytes as 40 hex characters: the shape of the tokens clients already hold.
TOKEN_BYTES = 20
# "Last used" is written at most this often per token, not on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


def _free_email(email: str, *, owner: User | None = None) -> str:
    """The address as accounts keep it (lowercase); refused when another account has it,
    whatever its case."""
    email = User.objects.normalize_email(email).strip().lower()
    others = User.objects.filter(email__iexact=email)
    if owner is not None:
        others = others.exclude(pk=owner.pk)
    if others.exists():
        raise EmailTaken()
    return email


@transaction.atomic
def register_user(
    *, email: str, password: str | None, full_name: str, terms_version: str | None = None
) -> User:
    """Create an account; the e-mail address is unique whatever its case. Without a password
    (an operator opening an account) none is usable until the person resets it. A person who
    signs up accepts the terms: ``terms_version`` is recorded with the date, in the same
    transaction (an operator opening an account passes none)."""
    email = _free_email(email)
    candidate = User(email=email, full_name=full_name.strip())
    if password is not None:
        try:
            validate_password(password, user=candidate)
        except ValidationError as exc:
            raise Invalid(errors={"password": list(exc.messages)}) from exc
    try:
        with transaction.atomic():
            user = User.objects.create_user(email, password, full_name=candidate.full_name)
    except IntegrityError:  # lost a race with the same address
        raise EmailTaken() from None
    if terms_version is not None:
        record_acceptance(user=user, version=terms_version)
    return user


# What operators change on an account (the password has its own form).
USER_FIELDS = frozenset(
    {
        "email",
        "full_name",
        "phone",
        "is_active",
        "is_staff",
        "is_superuser",
        "groups",
        "user_permissions",
        "last_login",
        "date_joined",
    }
)


@transaction.atomic
def update_user(*, user: User, changes: Mapping[str, Any]) -> User:
    """An operator changes an account (``USER_FIELDS``). A new e-mail address follows the
    sign-up's rule: kept lowercase, unique whatever its case."""
    check_editable(changes, USER_FIELDS)
    changes = dict(changes)
    if "email" in changes:
        changes["email"] = _free_email(changes["email"], owner=user)
    for relation in ("groups", "user_permissions"):
        if relation in changes:
            getattr(user, relation).set(changes.pop(relation))
    for field, value in changes.items():
        setattr(user, field, value)
    if changes:
        try:
            with transaction.atomic():
                user.save(update_fields=list(changes))
        except IntegrityError:  # lost a race with the same address
            raise EmailTaken() from None
    return user


# --- API tokens ------------------------------------------------------------------------------


class IssuedToken(NamedTuple):
    token: ApiToken
    key: str  # the secret itself: given to the client once, never stored


def token_digest(key: str) -> str:
    """What the database keeps of a secret. The secret is random, so a fast hash is enough."""
    return hashlib.sha256(key.encode()).hexdigest()


def create_token(*, user: User, name: str = "", now: datetime | None = None) -> IssuedToken:
    """A new token for ``user``, valid ``API_TOKEN_TTL_DAYS`` days; earlier tokens stay valid."""
    now = now or timezone.now()
    key = secrets.token_hex(TOKEN_BYTES)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        digest=token_digest(key),
        created_at=now,
        expires_at=now + timedelta(days=settings.API_TOKEN_TTL_DAYS),
    )
    return IssuedToken(token=token, key=key)


def issue_token(*, request: HttpRequest, email: str, password: str, name: str = "") -> IssuedToken:
    """A new API token for valid credentials; repeated failures lock the address out (axes)."""
    user = authenticate(request=request, email=email.strip().lower(), password=password)
    if getattr(request, "axes_locked_out", False):
        raise LockedOut()
    if user is None or not user.is_active:
        raise InvalidCredentials()
    return create_token(user=user, name=name)


def use_token(*, key: str, now: datetime | None = None) -> ApiToken:
    """The token with this secret, if its owner may use it now; notes when it was last used.

    Refused: an unknown or revoked secret, a token past its expiry (``token_expired``), a token
    of an inactive account. "Last used" is written at most once per ``LAST_USED_PRECISION``.
    """
    now = now or timezone.now()
    token = ApiToken.objects.select_related("user").filter(digest=token_digest(key)).first()
    if token is None:
        raise UnknownToken()
    if token.is_expired(now):
        raise TokenExpired()
    if not token.user.is_active:
        raise InactiveAccount()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def revoke_token(*, token: ApiToken) -> None:
    """Revoke a token: its secret is refused from now on."""
    ApiToken.objects.filter(pk=token.pk).delete()


def revoke_token_of(*, user: User, token_id: int) -> None:
    """Revoke one of ``user``'s tokens; anyone else's token is not found (404)."""
    deleted, _ = ApiToken.objects.filter(pk=token_id, user=user).delete()
    if not deleted:
        raise NotFound()


def delete_expired_tokens(*, now: datetime | None = None) -> int:
    """Delete every token past its expiry (they are refused already); returns how many."""
    deleted, _ = ApiToken.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


def set_language(*, user: User, language: str) -> bool:
    """Remember the language a person chose with the switcher (their e-mails are written in
    it). An unknown code is ignored. Returns whether it changed."""
    if language not in {code for code, _name in settings.LANGUAGES} or user.language == language:
        return False
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
    return True
