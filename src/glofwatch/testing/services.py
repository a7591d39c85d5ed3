"""Real services for tests and benchmarks, on loopback only.

- :func:`pg_database`: a fresh, empty PostgreSQL database on the server at ``GLOFWATCH_TEST_PG_URL``
  (default ``postgresql://postgres@127.0.0.1:5432/test``), dropped afterwards.
- :class:`MosquittoBroker`: a private Mosquitto on a free port with persistence in a temp folder,
  that a test can stop and restart (the system broker on 1883 is left alone).

When ``GLOFWATCH_REQUIRE_SERVICES=1`` (CI), a missing service is an error, not a skip.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"


def services_required() -> bool:
    return os.environ.get("GLOFWATCH_REQUIRE_SERVICES", "") in ("1", "true", "yes")


def pg_admin_url() -> str:
    return os.environ.get("GLOFWATCH_TEST_PG_URL", DEFAULT_PG)


def pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(pg_admin_url(), connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False


@contextlib.contextmanager
def pg_database() -> Iterator[str]:
    """Yield the URL of a new empty database; drop it on exit."""
    import psycopg

    admin = pg_admin_url()
    name = f"glofwatch_t_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def mosquitto_binary() -> str | None:
    return shutil.which("mosquitto") or (os.path.exists("/usr/sbin/mosquitto") and "/usr/sbin/mosquitto") or None


class MosquittoBroker:
    """A private Mosquitto 2 broker on 127.0.0.1:<port>, persistence on, unlimited offline queues."""

    def __init__(self, port: int | None = None, workdir: Path | None = None):
        binary = mosquitto_binary()
        if binary is None:
            raise RuntimeError("mosquitto is not installed: apt-get install mosquitto")
        self.binary = binary
        self.port = port or free_port()
        self.dir = Path(workdir or tempfile.mkdtemp(prefix="glofwatch-mqtt-"))
        self.dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.dir, 0o777)  # mosquitto drops to user 'mosquitto' when started as root
        self.conf = self.dir / "mosquitto.conf"
        self.conf.write_text(
            f"listener {self.port} 127.0.0.1\n"
            "allow_anonymous true\n"
            "persistence true\n"
            f"persistence_location {self.dir}/\n"
            "autosave_interval 1\n"
            "max_queued_messages 0\n"  # 0 = no limit for persistent sessions while a worker is away
            "max_inflight_messages 0\n"
            "max_keepalive 65535\n"
            "user root\n"
        )
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def start(self, timeout: float = 10.0) -> MosquittoBroker:
        with (self.dir / "mosquitto.log").open("ab") as log:  # the child keeps its own descriptor
            self.proc = subprocess.Popen([self.binary, "-c", str(self.conf)], stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"mosquitto exited at start; see {self.dir / 'mosquitto.log'}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return self
            time.sleep(0.05)
        raise RuntimeError(f"mosquitto did not listen on {self.port} within {timeout} s")

    def stop(self, *, graceful: bool = True) -> None:
        """Stop the broker; graceful (SIGTERM) writes its persistence file, otherwise SIGKILL."""
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGTERM if graceful else signal.SIGKILL)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        self.proc = None

    def restart(self, *, graceful: bool = True) -> None:
        self.stop(graceful=graceful)
        self.start()

    def __enter__(self) -> MosquittoBroker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
