"""The OpenAPI schema says every status an operation can answer, with the error body.

Each view declares the answers only it knows (its success, and the refusals of its rules with
:func:`refusals`); :class:`AutoSchema` adds what follows from the view's set-up — 400 for input,
401/403 for authentication and permissions, 404 for objects in the path and pages, 415 for a body,
429 for throttling — and gives every error response the one ``Error`` body of
:mod:`common.errors`.
"""

from collections import defaultdict
from typing import Any

from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiResponse, extend_schema_serializer
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticated

from common.bounds import id_bounds
from common.errors import DomainError


@extend_schema_serializer(component_name="Error")
class ErrorOutput(serializers.Serializer):
    """Every API error. Clients branch on ``code``; some codes carry more fields, named in the
    operation's description (``invalid``: ``errors``, per field; ``out_of_stock``: ``offers``)."""

    code = serializers.CharField(help_text="Stable identifier, e.g. `invalid`, `not_found`.")
    message = serializers.CharField(help_text="For people, in the language of the request.")
    errors = serializers.JSONField(
        required=False, help_text="`invalid`: the messages per field (or per row of a file)."
    )


def _codes(codes) -> str:
    return ", ".join(f"`{code}`" for code in codes)


def refusals(*errors: type[DomainError]) -> dict[int, OpenApiResponse]:
    """Responses for the domain errors an operation may raise, grouped by status, each with the
    ``Error`` body and its codes: ``responses={201: Out, **refusals(PlotTaken, LimitReached)}``.
    A 400 always lists ``invalid`` first: any input may be refused field by field."""
    by_status: dict[int, list[str]] = defaultdict(list)
    for error in errors:
        if error.status == 400 and not by_status[400]:
            by_status[400].append("invalid")
        by_status[error.status].append(error.code)
    return {
        status: OpenApiResponse(ErrorOutput, description=_codes(dict.fromkeys(codes)))
        for status, codes in sorted(by_status.items())
    }


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's AutoSchema, plus the answers that follow from the view's set-up.

    - 400 ``invalid`` always (any query string may be refused: a NUL character);
    - 401 when the view authenticates (a token or session that is not valid; none at all where
      the view needs a user);
    - 403 when a session authenticates an unsafe method (CSRF) or a permission goes beyond being
      logged in;
    - 404 for objects named in the path and for pages past the end;
    - 415 for a body in another media type; 429 when the view is throttled;
    - every error response carries the ``Error`` body; integer parameters left without bounds
      are ids (paths, django-filter's choices) and take those of a primary key.
    """

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        parameters = operation.get("parameters", [])
        _bound_ids(parameters, filters=set(getattr(self.view, "filterset_fields", None) or ()))
        error = self.resolve_serializer(ErrorOutput, "response").ref
        responses = operation["responses"]
        for status, response in responses.items():
            if status >= "400" and "content" not in response:
                response["content"] = {"application/json": {"schema": error}}
        for status, name in self._implied_errors(operation, parameters).items():
            if str(status) not in responses:
                responses[str(status)] = self._error_response(name, error)
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _error_response(self, name: str, error: dict) -> dict:
        """A shared response (``#/components/responses/<name>``) with the Error body."""
        description, headers = IMPLIED[name]
        body = {"description": description, "content": {"application/json": {"schema": error}}}
        if headers:
            body["headers"] = headers
        component = ResolvedComponent(name, ResolvedComponent.RESPONSE, schema=body, object=name)
        self.registry.register_on_missing(component)
        return component.ref

    def _implied_errors(self, operation: dict, parameters: list[dict]) -> dict[int, str]:
        view = self.view
        authenticators = view.get_authenticators()
        permissions = view.get_permissions()
        query = {p["name"] for p in parameters if p["in"] == "query"}
        body = "requestBody" in operation
        errors: dict[int, str] = {}
        # Any request may be refused: a query string or form with a NUL character is, before
        # the view (common.middleware.RejectNullBytesMiddleware).
        errors[400] = "Invalid"
        if authenticators:
            needs_user = any(not isinstance(p, AllowAny) for p in permissions)
            errors[401] = "NotAuthenticated" if needs_user else "AuthenticationFailed"
        session = any(isinstance(a, SessionAuthentication) for a in authenticators)
        beyond_login = any(not isinstance(p, (AllowAny, IsAuthenticated)) for p in permissions)
        if beyond_login or (session and self.method not in SAFE_METHODS):
            errors[403] = "PermissionDenied"
        if any(p["in"] == "path" for p in parameters) or "page" in query:
            errors[404] = "NotFound"
        if body:
            errors[415] = "UnsupportedMediaType"
        if view.get_throttles():
            errors[429] = "Throttled"
        return errors


# The shared error responses: description, headers.
IMPLIED: dict[str, tuple[str, dict]] = {
    "Invalid": (
        "`invalid`: the data sent is not valid; `errors` says why, per field (a query string "
        "or form with a NUL character is refused whole, without `errors`).",
        {},
    ),
    "NotAuthenticated": (
        "`not_authenticated`: log in first (`Authorization: Token …`); "
        "`authentication_failed`: the token or session sent is not valid.",
        {},
    ),
    "AuthenticationFailed": (
        "`authentication_failed`: the token or session sent is not valid (send none to act "
        "as a visitor).",
        {},
    ),
    "PermissionDenied": (
        "`permission_denied`: not allowed (with a session cookie: the CSRF token is missing).",
        {},
    ),
    "NotFound": ("`not_found`: no such object, or not yours; or a page past the end.", {}),
    "UnsupportedMediaType": (
        "`unsupported_media_type`: send the body in one of the media types listed.",
        {},
    ),
    "Throttled": (
        "`throttled`: too many requests; try again after `Retry-After` seconds.",
        {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}},
    ),
}


def _bound_ids(parameters: list[dict[str, Any]], *, filters: set[str]) -> None:
    """Ids in the path and django-filter's choices of an object get a primary key's bounds."""
    low, high = id_bounds()
    for parameter in parameters:
        schema = parameter.get("schema", {})
        is_id = parameter["in"] == "path" or parameter["name"] in filters
        if is_id and schema.get("type") == "integer":
            schema.setdefault("minimum", low)
            schema.setdefault("maximum", high)
