"""API tokens: ask for one with an e-mail address and password, list yours, revoke them.

Thin views: parse with ``validated``, call a service or selector, shape the answer. A person acts
on their own tokens only; anyone else's are 404.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.api.serializers import ApiTokenOutput, IssuedTokenOutput
from accounts.authentication import ApiTokenAuthentication
from accounts.errors import InvalidCredentials, LockedOut, TokenExpired, UnknownToken
from accounts.models import ApiToken
from common.api import validated
from common.schema import refusals

# A token that is not (or no longer) valid; 401 ``not_authenticated`` without one is implied.
UNAUTHENTICATED = refusals(UnknownToken, TokenExpired)


class TokenApi(APIView):
    """Ask for a token (POST) or revoke the one in use (DELETE)."""

    class TokenCreateInput(serializers.Serializer):
        email = serializers.EmailField()
        password = serializers.CharField(trim_whitespace=False)
        name = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=100,
            help_text="a label to recognise the token by (device, script)",
        )

    def _asks_for_a_token(self) -> bool:
        # During schema generation the view may have no request yet.
        return getattr(getattr(self, "request", None), "method", None) == "POST"

    def get_authenticators(self):
        # Asking for a token takes a password: a stale token still in the header must not stop it.
        return [] if self._asks_for_a_token() else [ApiTokenAuthentication()]

    def get_permissions(self):
        return [AllowAny()] if self._asks_for_a_token() else [IsAuthenticated()]

    @extend_schema(
        summary="Ask for a new API token (several per person, each expiring)",
        description=(
            "Exchange an e-mail address and password for a new token, to send as "
            "`Authorization: Token <token>`. Each call makes another token (one per device or "
            "script); each expires at `expires_at`, then is refused with 401 `token_expired`. "
            "Repeated failures lock the address out (429 `locked_out`)."
        ),
        request=TokenCreateInput,
        responses={
            200: IssuedTokenOutput,
            **refusals(InvalidCredentials, LockedOut),
        },
    )
    def post(self, request):
        data = validated(self.TokenCreateInput, request.data)
        issued = services.issue_token(
            request=request._request,
            email=data["email"],
            password=data["password"],
            name=data.get("name", ""),
        )
        return Response({**ApiTokenOutput(issued.token).data, "token": issued.key})

    @extend_schema(
        summary="Revoke the token this request is authenticated with",
        description="Log a device or script out: its token is refused from now on.",
        responses={204: None, **UNAUTHENTICATED},
    )
    def delete(self, request):
        if not isinstance(request.auth, ApiToken):  # only a token can be revoked this way
            raise NotAuthenticated()
        services.revoke_token(token=request.auth)
        return Response(status=204)


class TokenListApi(APIView):
    @extend_schema(
        summary="My API tokens that still work, newest first (never their secrets)",
        responses={200: ApiTokenOutput(many=True), **UNAUTHENTICATED},
    )
    def get(self, request):
        tokens = selectors.live_tokens(user=request.user)
        return Response(ApiTokenOutput(tokens, many=True).data)


class TokenDetailApi(APIView):
    @extend_schema(
        summary="Revoke one of my API tokens",
        responses={204: None, **UNAUTHENTICATED},
    )
    def delete(self, request, token_id: int):
        services.revoke_token_of(user=request.user, token_id=token_id)
        return Response(status=204)
