"""The WSGI application gunicorn serves. With DEBUG off it refuses to start on the development secret key or an
empty host list (dangjian.core.deploy)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
application = get_wsgi_application()

from dangjian.core.deploy import refuse_insecure_start  # noqa: E402  (needs the settings loaded above)

refuse_insecure_start()
