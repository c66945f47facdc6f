"""/healthz/ (the framework floor of the benchmark) and the bench-only query-count header."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

BENCH_MIDDLEWARE = "civic.bench_middleware.QueryCountMiddleware"


@pytest.mark.django_db
def test_healthz_answers_ok_without_database_or_session(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]
    assert not response.cookies  # no session, no CSRF cookie


@pytest.mark.django_db
def test_healthz_is_outside_the_language_prefix(client):
    assert client.get("/en/healthz/").status_code == 404
    assert client.head("/healthz/").status_code == 200
    assert client.post("/healthz/").status_code == 405


@pytest.mark.django_db
def test_query_header_counts_the_queries_of_the_request(client, home_page, settings):
    settings.CIVIC_BENCH_QUERY_HEADER = True
    settings.MIDDLEWARE = [BENCH_MIDDLEWARE, *settings.MIDDLEWARE]
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    assert len(queries) > 0
    assert response["X-Civic-Queries"] == str(len(queries))
    assert client.get("/healthz/")["X-Civic-Queries"] == "0"


@pytest.mark.django_db
def test_query_header_is_off_unless_the_setting_says_so(client, home_page, settings):
    settings.CIVIC_BENCH_QUERY_HEADER = False
    settings.MIDDLEWARE = [BENCH_MIDDLEWARE, *settings.MIDDLEWARE]
    assert "X-Civic-Queries" not in client.get("/")
