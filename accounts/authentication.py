"""``Authorization: Token <key>`` against the app's own tokens (several per person, stored as
digests, expiring). The rules are in ``accounts.services.use_token``; this only speaks HTTP."""

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from accounts.errors import TokenExpired
from accounts.services import use_token
from common.errors import DomainError


class ExpiredTokenFailed(exceptions.AuthenticationFailed):
    """401 ``token_expired`` (rendered by ``common.api_errors.api_exception_handler``)."""

    default_code = "token_expired"


class ApiTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key: str):
        try:
            token = use_token(key=key)
        except TokenExpired as exc:
            raise ExpiredTokenFailed(exc.message) from None
        except DomainError as exc:  # unknown token, inactive account: 401 authentication_failed
            raise exceptions.AuthenticationFailed(exc.message) from None
        return token.user, token
