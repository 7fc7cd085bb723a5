import pytest
from django.db import connection


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_runs_through_psycopg3_with_the_pool():
    assert connection.vendor == "postgresql"
    assert connection.Database.__name__ == "psycopg"
    assert connection.pool is not None
    with connection.cursor() as cursor:
        cursor.execute("SHOW TIMEZONE")
        assert cursor.fetchone()[0] == "UTC"
