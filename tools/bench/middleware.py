"""Count the SQL statements of each request (``jvportal.settings.bench`` only).

The count goes into the ``X-Bench-Queries`` response header. A streamed response (an export)
makes its queries while it is sent, after the headers: its count is appended, when the stream
ends, to the file ``BENCH_QUERY_LOG`` names (one ``<X-Bench-Id> <count>`` line), where the
driver reads it.
"""

import os

from django.db import connection


class _Counter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = _Counter()
        connection.execute_wrappers.append(counter)
        try:
            response = self.get_response(request)
        except BaseException:
            connection.execute_wrappers.remove(counter)
            raise
        bench_id = request.headers.get("X-Bench-Id", "")
        if response.streaming:
            response.streaming_content = self._counted(response.streaming_content, counter, bench_id)
        else:
            connection.execute_wrappers.remove(counter)
            response["X-Bench-Queries"] = str(counter.count)
            _log(bench_id, counter.count)
        return response

    @staticmethod
    def _counted(content, counter, bench_id):
        try:
            yield from content
        finally:
            if counter in connection.execute_wrappers:
                connection.execute_wrappers.remove(counter)
            _log(bench_id, counter.count)


def _log(bench_id: str, count: int) -> None:
    path = os.environ.get("BENCH_QUERY_LOG")
    if path and bench_id:
        with open(path, "a", encoding="ascii") as log:
            log.write(f"{bench_id} {count}\n")
