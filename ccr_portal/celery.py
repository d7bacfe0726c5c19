"""The Celery application.

Broker and result backend come from ``REDIS_URL`` through Django settings
(namespace ``CELERY``). Without ``REDIS_URL`` tasks run eagerly in the web
process: that is the embedded default for a quick start.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ccr_portal.settings")

app = Celery("ccr_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
