from typing import Any

from rest_framework import serializers


def validated(serializer_class: type[serializers.Serializer], data: Any, **kwargs) -> dict:
    """Validate input with a plain serializer; a ValidationError becomes a 400 ``invalid``."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
