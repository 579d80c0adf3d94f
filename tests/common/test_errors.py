import pytest
from django.http import Http404
from django.urls import path
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from common.api import validated
from common.errors import DomainError, Invalid, check_editable


class ShelfEmpty(DomainError):
    code = "out_of_stock"
    status = 409
    default_message = "Plus de stock."


class Input(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=1)


class ProbeApi(APIView):
    permission_classes = [AllowAny]

    def post(self, request, what):
        if what == "domain":
            raise ShelfEmpty(offers=[3, 7])
        if what == "missing":
            raise Http404
        validated(Input, request.data)
        return None


class PrivateApi(APIView):
    def get(self, request):
        return None


urlpatterns = [
    path("probe/<str:what>/", ProbeApi.as_view()),
    path("private/", PrivateApi.as_view()),
]

pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]


def test_domain_error_keeps_its_code_status_and_extra_fields(api_client):
    response = api_client.post("/probe/domain/", {}, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "code": "out_of_stock",
        "message": "Plus de stock.",
        "offers": [3, 7],
    }


def test_validation_errors_are_invalid_with_field_errors(api_client):
    response = api_client.post("/probe/validate/", {"quantity": 0}, format="json")
    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "invalid"
    assert body["message"]
    assert list(body["errors"]) == ["quantity"]


def test_malformed_json_is_invalid(api_client):
    response = api_client.post("/probe/validate/", "{oops", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_not_found_and_unauthenticated_have_codes(api_client):
    missing = api_client.post("/probe/missing/", {}, format="json")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
    private = api_client.get("/private/")
    assert private.status_code in (401, 403)
    assert private.json()["code"] == "not_authenticated"


def test_a_change_outside_the_editable_fields_is_refused_naming_each():
    check_editable({"name": "x"}, {"name", "address"})
    with pytest.raises(Invalid) as refused:
        check_editable({"name": "x", "slug": "y", "hosts": []}, {"name"})
    assert refused.value.code == "invalid"
    assert list(refused.value.extra["errors"]) == ["hosts", "slug"]
