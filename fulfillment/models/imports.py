"""Bulk imports of offers: one ``ImportJob`` per uploaded file, one ``ImportRow`` per data row's result.

The file itself is kept in the database (``content``, at most 5 MB): a Celery worker on another
machine reads it without a shared file system, and a job's file goes when the job is deleted.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from sellers.models import Seller


class ImportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=200)
    file_format = models.CharField(max_length=4, choices=Format.choices)
    content = models.BinaryField(editable=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    failure = models.CharField(max_length=300, blank=True, help_text="Why a failed job stopped.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["seller", "-created_at"], name="importjob_seller_new_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(processed_rows__lte=models.F("total_rows")),
                name="importjob_processed_within_total",
            ),
        ]

    def __str__(self):
        return f"Import {self.pk} of {self.filename} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.is_finished and self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)


class ImportRow(models.Model):
    class Outcome(models.TextChoices):
        CREATED = "created", "Created"
        UPDATED = "updated", "Updated"
        UNCHANGED = "unchanged", "Unchanged"
        ERROR = "error", "Error"

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField(help_text="The row in the file (the header is row 1).")
    sku = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=9, choices=Outcome.choices)
    message = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["job", "row_number"]
        constraints = [models.UniqueConstraint(fields=["job", "row_number"], name="unique_import_row_number")]
        indexes = [models.Index(fields=["job", "outcome", "row_number"], name="importrow_job_outcome_idx")]

    def __str__(self):
        return f"Row {self.row_number} of import {self.job_id}: {self.outcome}"
