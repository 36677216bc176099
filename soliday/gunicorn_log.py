"""gunicorn's logger without the client: used by gunicorn.conf.py for the error log.

gunicorn writes the client's address when a request is malformed ("Invalid request from
ip=..."), and the whole request URI, query string included, when a request fails outside
the app. Neither reaches the log here; the access log's format leaves them out too.
"""

import re

from gunicorn.glogging import Logger

QUERY = re.compile(r"\?[^\s'\"]*")


def without_query(value):
    return QUERY.sub("?[query withheld]", value) if isinstance(value, str) else value


class PrivateLogger(Logger):
    def warning(self, msg, *args, **kwargs):
        if isinstance(msg, str) and msg.startswith("Invalid request from ip="):
            # The address and the request line are in the message: keep neither.
            msg, args = "Invalid request (client and request line not logged)", ()
        super().warning(without_query(msg), *map(without_query, args), **kwargs)

    def error(self, msg, *args, **kwargs):
        super().error(without_query(msg), *map(without_query, args), **kwargs)

    def exception(self, msg, *args, **kwargs):
        super().exception(without_query(msg), *map(without_query, args), **kwargs)
