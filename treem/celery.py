"""The Celery app: background work and the daily schedule.

Its settings are Django's, named CELERY_… (treem/settings.py: REDIS_URL, CELERY_BEAT_SCHEDULE); tasks are
the `tasks` modules of the installed apps. A worker and the scheduler run as

    celery -A treem worker -l info
    celery -A treem beat -l info -s var/celerybeat-schedule   # var/ made by `make setup`

Without REDIS_URL no worker is needed: a task runs at once where it is called.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "treem.settings")

app = Celery("treem")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
