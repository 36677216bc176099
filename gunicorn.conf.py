"""gunicorn's configuration: the one every way of running the portal uses.

    gunicorn --config gunicorn.conf.py soliday.wsgi:application

The Dockerfile, docker-compose.yml and anything else that starts gunicorn name this file
(gunicorn also reads it by itself when started in this folder); command-line options such
as --bind or --workers may add to it, never the logging.

The access log records the time, method, path without the query string (receipt links
carry their secret there), status, size and duration: no client address, user agent,
referer or query string. The error log goes through soliday.gunicorn_log, which drops the
client address and query strings gunicorn would write about malformed requests.
"""

import os

# In a container the app listens on every interface of the container's own network.
bind = [os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")]  # noqa: S104
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))

accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = "info"
logger_class = "soliday.gunicorn_log.PrivateLogger"
