from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from accounts.services import issue_token
from common.api import validated


class TokenApi(APIView):
    """Exchange an e-mail address and password for an API token (``Authorization: Token …``)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AnonRateThrottle]

    class Input(serializers.Serializer):
        email = serializers.EmailField()
        password = serializers.CharField(trim_whitespace=False)

    @extend_schema(
        request=Input,
        responses={200: inline_serializer("Token", {"token": serializers.CharField()})},
    )
    def post(self, request):
        data = validated(self.Input, request.data)
        token = issue_token(
            request=request._request, email=data["email"], password=data["password"]
        )
        return Response({"token": token.key})
