import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "treem.settings")
application = get_wsgi_application()

if not settings.DEBUG and not settings.SECRET_KEY_FROM_ENVIRONMENT:
    # Without a key every process would sign sessions with its own throw-away key (see settings.py).
    raise ImproperlyConfigured(
        "Set SECRET_KEY (50+ random characters) to serve treem, or DEBUG=1 for development."
    )
