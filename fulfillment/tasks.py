"""Celery tasks of ``fulfillment``: thin wrappers around services, safe to run twice."""

from celery import shared_task

from fulfillment.shipments import shipments_track_open


@shared_task(acks_late=True)
def shipments_track_open_task(limit: int = 500) -> int:
    """Pull the scans of the parcels not yet delivered (beat, every 30 minutes)."""
    return shipments_track_open(limit=limit)


# The seller scorecard (fulfillment/scorecard/).
from fulfillment.scorecard import scorecards_recompute  # noqa: E402


@shared_task(acks_late=True)
def scorecards_recompute_task() -> int:
    """Recompute every seller's scorecard and act on it (beat, hourly); safe to run twice."""
    return scorecards_recompute()


# Bulk import of offers (fulfillment/imports/).
from fulfillment.imports.services import import_job_run  # noqa: E402


@shared_task(acks_late=True)
def import_job_run_task(job_id: int) -> int:
    """Apply an uploaded offer file; safe to run twice (a done job is left alone)."""
    job = import_job_run(job_id=job_id)
    return job.processed_rows if job else 0
