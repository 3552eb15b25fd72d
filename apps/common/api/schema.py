"""OpenAPI post-processing: document the error responses every operation can return.

drf-spectacular documents only each operation's success response; the edge also answers with
the shared error body (``apps.common.api.exceptions``) for bad input, missing or refused
credentials, unknown objects (and unknown hosts or non-members: 404), unsupported media types
and throttling. Clients and contract tests (schemathesis) rely on those being in the schema.
"""

from __future__ import annotations

from typing import Any

ERROR_COMPONENT = "ApiError"
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message", "request_id"],
            "properties": {
                "status": {"type": "integer"},
                "code": {"type": "string"},
                "message": {},
                "fields": {
                    "type": "object",
                    "additionalProperties": True,
                    "description": "Per-field messages (validation errors only).",
                },
                "request_id": {"type": "string"},
                "retry_after_seconds": {"type": "number", "description": "Throttled responses only."},
            },
        }
    },
}
_DESCRIPTIONS = {
    "400": "Invalid input; `fields` names each offending field.",
    "401": "Missing, invalid, expired or revoked credentials.",
    "403": "Your role in this gym does not allow this.",
    "404": "Not found, or not visible to you (unknown host, not a member of this gym).",
    "415": "Unsupported media type; send JSON.",
    "429": "Too many requests, or too many failed sign-ins.",
}
_METHODS = {"get", "post", "put", "patch", "delete"}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    error = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}}
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in _METHODS:
                continue
            codes = {"404", "429"}
            has_body = "requestBody" in operation
            has_query = any(p.get("in") == "query" for p in operation.get("parameters", []))
            if has_body or has_query:
                codes.add("400")
            if has_body:
                codes.add("415")
            if {} not in operation.get("security", [{}]):  # credentials required
                codes |= {"401", "403"}
            responses = operation.setdefault("responses", {})
            for code in sorted(codes):
                responses.setdefault(code, {"description": _DESCRIPTIONS[code], "content": error})
    return result
