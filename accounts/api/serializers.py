from rest_framework import serializers


class ErrorOutput(serializers.Serializer):
    code = serializers.CharField(help_text="stable identifier, e.g. token_expired")
    message = serializers.CharField()


class ApiTokenOutput(serializers.Serializer):
    """A token as its owner sees it in the list: never its secret."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(
        allow_null=True, help_text="to the minute; null if never used"
    )
    expires_at = serializers.DateTimeField()


class IssuedTokenOutput(ApiTokenOutput):
    """A token just issued: the only answer that holds its secret."""

    token = serializers.CharField(
        help_text="the secret, for `Authorization: Token <token>`; shown only in this answer"
    )
