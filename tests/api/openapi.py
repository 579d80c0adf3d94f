"""Walking the API schema in tests: operations, resolved references, example paths."""

import re
from collections.abc import Iterator

METHODS = ("get", "post", "put", "patch", "delete")


def operations(schema: dict) -> Iterator[tuple[str, str, dict]]:
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def resolve(schema: dict, node: dict) -> dict:
    """Follow ``$ref`` (to components) until a real node."""
    while "$ref" in node:
        *_, kind, name = node["$ref"].split("/")
        node = schema["components"][kind][name]
    return node


def example_path(path: str, value: str = "1") -> str:
    """The path with each parameter replaced (``week`` by a Monday, others by ``value``)."""
    return re.sub(r"\{(\w+)\}", lambda m: "2026-11-30" if m.group(1) == "week" else value, path)


def json_schema(schema: dict, node: dict) -> dict:
    """An OpenAPI 3.0 schema node as plain JSON Schema (references inlined, ``nullable``
    turned into a null type), for ``jsonschema`` to check a body against."""
    node = resolve(schema, node)
    out = {}
    for key, value in node.items():
        if key == "nullable":
            continue
        if key == "properties":
            out[key] = {name: json_schema(schema, sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties") and isinstance(value, dict):
            out[key] = json_schema(schema, value)
        elif key in ("allOf", "oneOf", "anyOf"):
            out[key] = [json_schema(schema, sub) for sub in value]
        else:
            out[key] = value
    if node.get("nullable"):
        if "type" in out:
            out["type"] = [out["type"], "null"]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def response_schema(schema: dict, path: str, method: str, status: int) -> dict:
    response = resolve(schema, schema["paths"][path][method]["responses"][str(status)])
    return json_schema(schema, response["content"]["application/json"]["schema"])
