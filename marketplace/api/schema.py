"""drf-spectacular hooks and shared schema pieces of the API."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerFieldExtension
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers


def only_api_v1(endpoints, **kwargs):
    """Describe the versioned API only (the seller ledger under /pay/ is Seller Central's)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


ProblemSerializer = inline_serializer(
    name="Problem",
    fields={
        "type": serializers.CharField(help_text="A URI reference naming the kind of problem."),
        "title": serializers.CharField(help_text="The same for every problem of that type."),
        "status": serializers.IntegerField(),
        "detail": serializers.CharField(help_text="What went wrong with this request."),
        "instance": serializers.CharField(required=False, help_text="The path that was requested."),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            required=False,
            help_text="Field errors: each field's messages (400 only).",
        ),
        "retry_after": serializers.IntegerField(required=False, help_text="Seconds to wait (429 only)."),
    },
)


PROBLEM = "application/problem+json"


def problem(status: int, description: str) -> dict:
    """``responses`` entry for an error answered as a problem document."""
    return {(status, PROBLEM): OpenApiResponse(response=ProblemSerializer, description=description)}


THROTTLED = problem(429, "Too many requests: wait for the seconds in Retry-After.")
# The errors every read endpoint with query parameters may answer.
READ_ERRORS = {**problem(400, "A query parameter is not valid (see errors)."), **THROTTLED}


class SessionTokenScheme(OpenApiAuthenticationExtension):
    """Describes marketplace.api.authentication.SessionTokenAuthentication in the schema."""

    target_class = "marketplace.api.authentication.SessionTokenAuthentication"
    name = "sessionToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Session-Token",
            "description": "The session_token from POST /_allauth/app/v1/auth/login (docs/api.md).",
        }


class JSONIntegerFieldSchema(OpenApiSerializerFieldExtension):
    """marketplace.api.fields.JSONIntegerField is a JSON integer with its bounds."""

    target_class = "marketplace.api.fields.JSONIntegerField"

    def map_serializer_field(self, auto_schema, direction):
        schema = {"type": "integer"}
        if self.target.min_value is not None:
            schema["minimum"] = self.target.min_value
        if self.target.max_value is not None:
            schema["maximum"] = self.target.max_value
        return schema
