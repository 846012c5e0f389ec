"""The queries a request makes, with PostgreSQL's plan for each."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def plans_of(client, path: str, data=None) -> list[tuple[str, str]]:
    """Each query a GET of path makes, with its plan where no sequential scan is wanted."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, data)
    assert response.status_code < 400, response
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        for query in queries.captured_queries:
            cursor.execute(f"EXPLAIN {query['sql']}")
            plans.append((query["sql"], "\n".join(row[0] for row in cursor.fetchall())))
        cursor.execute("RESET enable_seqscan")
    return plans
