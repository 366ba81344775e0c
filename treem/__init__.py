"""treem. The Celery app is loaded with the package, so that `@shared_task` tasks bind to it (treem/celery.py)."""

from .celery import app as celery_app

__all__ = ("celery_app",)
