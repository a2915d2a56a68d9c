"""The Celery application.

Tasks subclass ``DjangoTask`` so ``task.delay_on_commit()`` enqueues only after
the surrounding transaction commits. Broker, eagerness and acknowledgement
settings come from Django settings (``CELERY_*``).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.dev")

app = Celery("marketplace", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
