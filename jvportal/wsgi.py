"""WSGI entry point (gunicorn ``jvportal.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jvportal.settings.production")
application = get_wsgi_application()
