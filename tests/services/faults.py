"""Throwaway Redis, PostgreSQL, SMTP and Celery workers for the fault tests.

Never the machine's shared PostgreSQL (5432) or Redis (6379): each helper
starts its own instance on a free port in a temporary directory and stops it.
"""

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.db import connection
from kombu import pools as kombu_pools

from ccr_portal.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def child_environment(**values: str) -> dict[str, str]:
    """The environment of a process the test starts (a worker, a server), with ``values``.

    Without pytest-xdist's worker name: the settings move ``REDIS_URL`` to the test
    worker's own Redis database, and the child's URL is already the moved one.
    """
    environment = {key: value for key, value in os.environ.items() if key != "PYTEST_XDIST_WORKER"}
    return {**environment, **values}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, interval: float = 0.2, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"délai dépassé ({timeout} s) : {what}")


def port_answers(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        return True
    return False


class RedisServer:
    """A redis-server of our own, that the test may stop and start again on the same port."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: port_answers(self.port), 10, what="redis-server démarre")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        wait_for(lambda: not port_answers(self.port), 10, what="redis-server s'arrête")


def postgres_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


class PostgresCluster:
    """An initdb'd cluster in a temporary directory, owned by the ``postgres`` system user."""

    def __init__(self):
        self.port = free_port()
        self.directory = tempfile.mkdtemp(prefix="ccr-faults-pg-", dir="/tmp")
        self.data = os.path.join(self.directory, "data")

    def _run(self, *args) -> subprocess.CompletedProcess:
        command = list(args)
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run(postgres_bin("initdb"), "-D", self.data, "-A", "trust", "-U", "postgres")

    def pg_ctl(self, action: str, *extra) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            postgres_bin("pg_ctl"),
            "-D",
            self.data,
            "-o",
            options,
            "-l",
            os.path.join(self.directory, "log"),
            "-w",
            "-t",
            "60",
            action,
            *extra,
        )

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.directory, ignore_errors=True)


def test_database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


@contextlib.contextmanager
def broker(url: str, queue: str):
    """The web process (this test) publishes to ``url``, on ``queue``, for real (not eagerly)."""
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.task_default_queue, conf.broker_url)

    def reset_pools():
        # Connections to the previous broker are dropped; the next publish
        # opens one to the new URL.
        if celery_app._pool is not None:
            with contextlib.suppress(Exception):
                celery_app._pool.force_close_all()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        kombu_pools.reset()

    conf.task_always_eager, conf.task_default_queue, conf.broker_url = False, queue, url
    reset_pools()
    try:
        yield
    finally:
        conf.task_always_eager, conf.task_default_queue, conf.broker_url = saved
        reset_pools()


@contextlib.contextmanager
def celery_worker(
    *, broker_url: str, queue: str, log_path: Path, env: dict | None = None, pool="solo"
):
    log = open(log_path, "w+")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ccr_portal",
            "worker",
            f"--pool={pool}",
            "--concurrency=1",
            "--loglevel=INFO",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=child_environment(
            DATABASE_URL=test_database_url(),
            REDIS_URL=broker_url,
            CELERY_QUEUE=queue,
            **(env or {}),
        ),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def children_of(pid: int) -> list[int]:
    children = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = Path(stat).read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                children.append(int(stat.split("/")[2]))
    return children


def kill(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)
