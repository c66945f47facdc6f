"""Benchmark only: the number of database queries of a request as ``X-Civic-Queries``.

Active only when ``settings.CIVIC_BENCH_QUERY_HEADER`` is true (bench/settings.py sets it; never
in production). It wraps every connection's ``execute`` with a counter for the duration of the
request; it should be the first middleware so that queries of later middleware (sessions,
authentication) are counted as well. Streaming responses report the queries made up to the moment
the headers are sent.
"""

from __future__ import annotations

from contextlib import ExitStack

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections

HEADER = "X-Civic-Queries"


class QueryCountMiddleware:
    def __init__(self, get_response):
        if not getattr(settings, "CIVIC_BENCH_QUERY_HEADER", False):
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with ExitStack() as stack:
            for connection in connections.all(initialized_only=False):
                stack.enter_context(connection.execute_wrapper(counter))
            response = self.get_response(request)
        response[HEADER] = str(count)
        return response
