from rest_framework import serializers


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
