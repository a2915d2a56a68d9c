"""Every kind of error is an application/problem+json document (marketplace.api.errors)."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import serializers
from rest_framework.authentication import BasicAuthentication, SessionAuthentication
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from marketplace.api.mixins import RejectUnknownFieldsMixin
from marketplace.core.errors import ApplicationError
from tests.api.conftest import assert_problem

pytestmark = pytest.mark.django_db
factory = APIRequestFactory()


class NoteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=20)
    quantity = serializers.IntegerField(min_value=1)
    created = serializers.DateTimeField(read_only=True)


class NoteView(RejectUnknownFieldsMixin, GenericAPIView):
    """A small write endpoint: validates, then a 'service' may refuse with ApplicationError."""

    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = NoteSerializer

    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data["title"] == "refused":
            raise ApplicationError("This note cannot be saved.", extra={"reason": "test"})
        return Response(serializer.validated_data, status=201)


class RaisingView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    error = None

    def get(self, request):
        raise self.error


def post(data, content_type="application/json"):
    body = json.dumps(data) if not isinstance(data, str) else data
    return NoteView.as_view()(factory.post("/api/v1/notes/", body, content_type=content_type))


def rendered(response):
    response.render()
    return response


def test_a_valid_write_passes():
    response = rendered(post({"title": "hello", "quantity": 2}))
    assert response.status_code == 201
    assert json.loads(response.content) == {"title": "hello", "quantity": 2}


def test_field_errors_are_listed_per_field():
    body = assert_problem(rendered(post({"title": "x" * 30, "quantity": "many"})), 400)
    assert set(body["errors"]) == {"title", "quantity"}
    assert all(isinstance(messages, list) and messages for messages in body["errors"].values())
    assert body["type"] == "/api/v1/problems/invalid-request"
    assert body["instance"] == "/api/v1/notes/"


def test_unknown_and_read_only_fields_are_refused_not_dropped():
    body = assert_problem(
        rendered(post({"title": "hello", "quantity": 1, "is_staff": True, "created": "2020-01-01"})), 400
    )
    assert body["errors"] == {
        "created": ["This field is not accepted."],
        "is_staff": ["This field is not accepted."],
    }


def test_a_body_that_is_not_an_object_is_a_field_error_not_a_500():
    body = assert_problem(rendered(post([1, 2])), 400)
    assert "non_field_errors" in body["errors"]


def test_malformed_json_is_a_parse_error():
    body = assert_problem(rendered(post("{not json")), 400)
    assert body["type"] == "/api/v1/problems/malformed-request"


def test_a_form_post_is_unsupported_media_type():
    body = assert_problem(rendered(post("title=a", content_type="application/x-www-form-urlencoded")), 415)
    assert body["type"] == "/api/v1/problems/unsupported-media-type"


def test_application_error_from_a_service_is_a_problem_with_its_message():
    body = assert_problem(rendered(post({"title": "refused", "quantity": 1})), 400)
    assert body["detail"] == "This note cannot be saved."
    assert body["type"] == "/api/v1/problems/business-rule"
    assert body["extra"] == {"reason": "test"}


@pytest.mark.parametrize(
    ("error", "status", "kind"),
    [
        (Http404("No such note."), 404, "not-found"),
        (PermissionDenied("Not yours."), 403, "permission-denied"),
    ],
)
def test_django_404_and_permission_denied(error, status, kind):
    view = RaisingView.as_view(error=error)
    body = assert_problem(rendered(view(factory.get("/api/v1/x/"))), status)
    assert body["type"] == f"/api/v1/problems/{kind}"
    assert body["detail"] == str(error)


def test_missing_credentials_with_a_challenge_are_401_with_www_authenticate():
    class Private(APIView):
        authentication_classes = [BasicAuthentication]
        permission_classes = [IsAuthenticated]

        def get(self, request):
            return Response({})

    response = rendered(Private.as_view()(factory.get("/api/v1/private/")))
    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Basic")


def test_anonymous_on_a_session_only_endpoint_is_403():
    class Private(APIView):
        authentication_classes = [SessionAuthentication]
        permission_classes = [IsAuthenticated]

        def get(self, request):
            return Response({})

    assert_problem(rendered(Private.as_view()(factory.get("/api/v1/private/"))), 403)


def test_unknown_product_is_404_over_http(api):
    assert_problem(
        api.get("/api/v1/products/no-such-product/"), 404, instance="/api/v1/products/no-such-product/"
    )


def test_method_not_allowed(api):
    body = assert_problem(api.post("/api/v1/products/", {}, format="json"), 405)
    assert body["type"] == "/api/v1/problems/method-not-allowed"


def test_html_only_client_gets_406_as_json(api):
    assert_problem(api.get("/api/v1/products/", HTTP_ACCEPT="text/html"), 406)


def test_bad_query_parameter_over_http(api):
    body = assert_problem(api.get("/api/v1/products/", {"price_min": "cheap"}), 400)
    assert list(body["errors"]) == ["price_min"]
