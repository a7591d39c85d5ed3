"""Helper of the console benchmarks (not a figure): a real `glofwatch serve --demo` in a subprocess.

The server runs as the duty officer would start it (the CLI, one uvicorn process, SQLite by
default), with a simulated day of telemetry and one operator account, on a free loopback port.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

USER, PASSWORD = "bench-operator", "benchmark password 1"


@dataclass
class Server:
    url: str
    pid: int

    def cpu_s(self) -> float:
        """CPU seconds (user + system) the server process has used so far (Linux /proc)."""
        f = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def console_server(database: str | None = None, extra: list[str] | None = None) -> Iterator[Server]:
    """Yield a console serving the demo site with a day of data (``.url``, ``.pid``); stop it afterwards."""
    with tempfile.TemporaryDirectory(prefix="glofwatch-console-bench-") as d:
        db = database or str(Path(d) / "console.sqlite")
        env = {**os.environ, "GLOFWATCH_PASSWORD": PASSWORD}
        glofwatch = [sys.executable, "-m", "glofwatch"]
        subprocess.run([*glofwatch, "user", "add", USER, "--role", "operator", "--database", db], env=env, check=True,
                       capture_output=True)
        port = free_port()
        p = subprocess.Popen([*glofwatch, "serve", "--demo", "--port", str(port), "--database", db, *(extra or [])],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                if p.poll() is not None:
                    raise RuntimeError(f"glofwatch serve exited: {p.stderr.read().decode()[-2000:] if p.stderr else ''}")
                try:
                    if httpx.get(url + "/openapi.json", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("glofwatch serve did not come up in 120 s")
                time.sleep(0.2)
            yield Server(url, p.pid)
        finally:
            p.terminate()
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()


def login_token(url: str) -> str:
    r = httpx.post(url + "/api/v1/auth/login", json={"username": USER, "password": PASSWORD, "bearer": True}, timeout=10)
    r.raise_for_status()
    return str(r.json()["token"])
