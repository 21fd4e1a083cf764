"""Helpers for tests that start real processes (gunicorn, nginx, the dangjian command) on loopback."""
import os
import socket
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def clean_environ():
    """This process's environment for a server or command started here — without what the test run itself set
    (the browser fixture allows async-unsafe calls in-process; a server must not inherit that)."""
    return {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
