"""gunicorn configuration of the portal (docs/deployment.md).

Run as ``gunicorn -c python:ratsportal.gunicorn_conf ratsportal.wsgi``. Environment variables:
``GUNICORN_BIND`` (default ``127.0.0.1:8000``; a ``unix:/run/...`` socket works too),
``WEB_CONCURRENCY`` (worker processes, default 2 × cores + 1), ``GUNICORN_THREADS`` (default 1),
``GUNICORN_TIMEOUT`` (seconds, default 60). The access log goes to stdout, errors to stderr.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("WEB_CONCURRENCY", "0")) or multiprocessing.cpu_count() * 2 + 1
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak (e.g. in PDF rendering) cannot grow unbounded.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# Load the application in each worker (not the master): database pools are per process.
preload_app = False
# nginx on the same host sets X-Forwarded-*; trust it only from there.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
