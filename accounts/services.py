from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from rest_framework.authtoken.models import Token

from accounts.errors import EmailTaken, InvalidCredentials, LockedOut
from accounts.models import User
from common.errors import Invalid


@transaction.atomic
def register_user(*, email: str, password: str, full_name: str) -> User:
    """Create an account; the e-mail address is unique whatever its case."""
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise EmailTaken()
    candidate = User(email=email, full_name=full_name.strip())
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise Invalid(errors={"password": list(exc.messages)}) from exc
    try:
        with transaction.atomic():
            return User.objects.create_user(email, password, full_name=candidate.full_name)
    except IntegrityError:  # lost a race with the same address
        raise EmailTaken() from None


def issue_token(*, request: HttpRequest, email: str, password: str) -> Token:
    """API token for valid credentials; repeated failures lock the address out (django-axes)."""
    user = authenticate(request=request, email=email.strip().lower(), password=password)
    if getattr(request, "axes_locked_out", False):
        raise LockedOut()
    if user is None or not user.is_active:
        raise InvalidCredentials()
    token, _created = Token.objects.get_or_create(user=user)
    return token
