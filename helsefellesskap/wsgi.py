"""WSGI entry point for application servers (gunicorn, mod_wsgi).

A server process imports the URLconf, and with it every view module, when it starts rather
than while serving its first request: that first request would otherwise wait for it (~0.16 s
of the first minutes PDF of a fresh process on the bench machine, issue 17; `make bench`
reports it as the documents' start-up). Management commands never import this module.
"""

import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helsefellesskap.settings")

application = get_wsgi_application()
import_module(settings.ROOT_URLCONF)
