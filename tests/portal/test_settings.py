"""Settings read from the environment: checked in a fresh interpreter, as a deployment would."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-" + "x7Gq2mP9vR4tZ1wL8nB3cF6hJ0kD5sA",
    "ALLOWED_HOSTS": "ratsportal.example.de",
    "EMAIL_HOST": "mail.example.de",
}


def manage(*args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_secret_key_is_required_without_debug():
    result = manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_deploy_check_is_clean_with_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_database_url_selects_postgresql_with_pool():
    code = (
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['ENGINE'], d['NAME'], bool(d['OPTIONS'].get('pool')))"
    )
    result = manage("shell", "-c", code, DATABASE_URL="postgres://u@db.example:5432/portal")
    assert result.stdout.strip().splitlines()[-1].split() == [
        "django.db.backends.postgresql",
        "portal",
        "True",
    ]


def test_tasks_backend_db_uses_django_tasks_db():
    code = "from django.conf import settings; print(settings.TASKS['default']['BACKEND'])"
    result = manage("shell", "-c", code, TASKS_BACKEND="db")
    assert result.stdout.strip().splitlines()[-1] == "django_tasks_db.DatabaseBackend"


def test_redis_url_selects_redis_cache():
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    result = manage("shell", "-c", code, REDIS_URL="redis://127.0.0.1:6379/1")
    assert result.stdout.strip().splitlines()[-1] == "portal.cache.PortalRedisCache"


def test_production_serves_static_files_with_hashed_compressed_names():
    code = (
        "from django.conf import settings; "
        "print(settings.STORAGES['staticfiles']['BACKEND'], "
        "'whitenoise.middleware.WhiteNoiseMiddleware' in settings.MIDDLEWARE)"
    )
    result = manage("shell", "--no-imports", "-c", code, **PRODUCTION)
    assert result.stdout.strip().splitlines()[-1].split() == [
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "True",
    ], result.stderr


def test_demo_settings_need_no_collectstatic():
    code = (
        "from django.conf import settings; "
        "print(settings.STORAGES['staticfiles']['BACKEND'], "
        "'whitenoise.middleware.WhiteNoiseMiddleware' in settings.MIDDLEWARE)"
    )
    result = manage("shell", "-c", code, DEBUG="1")
    assert result.stdout.strip().splitlines()[-1].split() == [
        "django.contrib.staticfiles.storage.StaticFilesStorage",
        "False",
    ], result.stderr


def test_gunicorn_workers_and_bind_come_from_the_environment():
    code = "import ratsportal.gunicorn_conf as c; print(c.workers, ','.join(c.bind), c.accesslog)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "WEB_CONCURRENCY": "3", "GUNICORN_BIND": "unix:/run/portal.sock"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["3", "unix:/run/portal.sock", "-"], result.stderr


def test_the_page_cache_is_off_in_production_without_a_shared_cache():
    code = "from django.conf import settings; print(settings.PAGE_CACHE_SECONDS)"
    assert manage("shell", "-c", code, **PRODUCTION).stdout.split()[-1] == "0"
    with_redis = manage("shell", "-c", code, REDIS_URL="redis://127.0.0.1:6379/0", **PRODUCTION)
    assert with_redis.stdout.split()[-1] == "300"


def test_the_deploy_check_warns_about_a_page_cache_without_a_shared_cache():
    result = manage("check", "--deploy", PAGE_CACHE_SECONDS="300", **PRODUCTION)
    assert "portal.W001" in result.stdout + result.stderr


def test_json_logs_are_one_object_per_line():
    code = "import logging; logging.getLogger('portal.test').warning('Bericht %s', 'BA-044')"
    result = manage("shell", "-c", code, LOG_FORMAT="json", **PRODUCTION)
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert (line["level"], line["logger"], line["message"]) == (
        "WARNING",
        "portal.test",
        "Bericht BA-044",
    )
    assert "time" in line


def test_an_unknown_log_format_is_refused():
    result = manage("check", LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "LOG_FORMAT must be 'plain' or 'json'" in result.stderr


def test_production_cookies_are_secure_and_the_cache_state_is_not_told():
    code = (
        "from django.conf import settings as s; "
        "print(s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_HTTPONLY, s.PAGE_CACHE_HEADER)"
    )
    result = manage("shell", "--no-imports", "-c", code, **PRODUCTION)
    assert result.stdout.split() == ["True", "True", "False"], result.stderr
