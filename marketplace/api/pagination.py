"""Cursor pagination for every API list: stable under inserts, no page counts, bounded pages.

``?page_size=`` may ask for 1 to ``MAX_PAGE_SIZE`` rows (default ``PAGE_SIZE``); anything else,
and a cursor that does not decode, is a 400 problem, not a 404 or a 500.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination as DRFCursorPagination

DEFAULT_PAGE_SIZE = 24
MAX_PAGE_SIZE = 100


class CursorPagination(DRFCursorPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = ("-id",)

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise exceptions.ValidationError(
                {self.page_size_query_param: [f"Enter a whole number from 1 to {self.max_page_size}."]}
            )
        return size

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, TypeError, DjangoValidationError):
            # A cursor that decodes but whose position is not a value of the ordering field.
            raise self._bad_cursor() from None

    def _bad_cursor(self):
        return exceptions.ValidationError({self.cursor_query_param: ["This cursor is not valid."]})

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound:
            raise self._bad_cursor() from None
