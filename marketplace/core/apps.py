from celery.signals import (
    after_task_publish,
    before_task_publish,
    setup_logging,
    task_postrun,
    task_prerun,
    worker_init,
)
from django.apps import AppConfig
from django.core.signals import request_started
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "marketplace.core"
    label = "core"
    verbose_name = "Marketplace core"

    def ready(self):
        from marketplace.core import checks, logs, metrics, replica  # noqa: F401  (checks registers the system checks)

        # Request ids through Celery, and Django's LOGGING in the worker (docs/operations.md).
        before_task_publish.connect(logs.task_headers_add, weak=False, dispatch_uid="core.logs.publish")
        task_prerun.connect(logs.task_context_enter, weak=False, dispatch_uid="core.logs.prerun")
        task_postrun.connect(logs.task_context_exit, weak=False, dispatch_uid="core.logs.postrun")
        setup_logging.connect(logs.celery_logging_keep, weak=False, dispatch_uid="core.logs.setup")
        # Metrics: queries of every connection, tasks, business events, the worker's endpoint.
        connection_created.connect(metrics.connection_instrument, dispatch_uid="core.metrics.connection")
        after_task_publish.connect(metrics.task_published, weak=False, dispatch_uid="core.metrics.published")
        task_prerun.connect(metrics.task_started, weak=False, dispatch_uid="core.metrics.prerun")
        task_postrun.connect(metrics.task_finished, weak=False, dispatch_uid="core.metrics.postrun")
        worker_init.connect(metrics.worker_metrics_serve, weak=False, dispatch_uid="core.metrics.worker")
        metrics.business_events_subscribe()
        # The replica router's unit of work: a request, or a task.
        request_started.connect(replica.unit_of_work_begin, dispatch_uid="core.replica.request")
        task_prerun.connect(replica.task_unit_of_work_begin, weak=False, dispatch_uid="core.replica.prerun")
        task_postrun.connect(replica.task_unit_of_work_end, weak=False, dispatch_uid="core.replica.postrun")
