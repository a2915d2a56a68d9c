"""Reads of the import pages, always scoped to the member's seller."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When

from fulfillment.models import ImportJob, ImportRow


def import_job_list(*, seller) -> QuerySet[ImportJob]:
    """The seller's imports, newest first (the file itself is not read)."""
    return ImportJob.objects.filter(seller=seller).select_related("created_by").defer("content")


def import_job_get_for_seller(*, seller, pk: int) -> ImportJob:
    """One of the seller's imports; ``ImportJob.DoesNotExist`` for anyone else's."""
    return import_job_list(seller=seller).get(pk=pk)


def import_row_list(*, job: ImportJob, errors_first: bool = True) -> QuerySet[ImportRow]:
    rows = ImportRow.objects.filter(job=job)
    if errors_first:
        first = Case(
            When(outcome=ImportRow.Outcome.ERROR, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return rows.order_by(first, "row_number")
    return rows.order_by("row_number")
