import gc
import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "treem.settings")
application = get_wsgi_application()
# What start-up made (Django, the apps, the URL resolver) lives as long as the process: moved out of the
# garbage collector's reach, a full collection no longer walks it in the middle of a request. Without this
# a national board's 95th percentile is twice its median (docs/benchmarks.md, "Reporting").
gc.freeze()

if not settings.DEBUG and not settings.SECRET_KEY_FROM_ENVIRONMENT:
    # Without a key every process would sign sessions with its own throw-away key (see settings.py).
    raise ImproperlyConfigured(
        "Set SECRET_KEY (50+ random characters) to serve treem, or DEBUG=1 for development."
    )
