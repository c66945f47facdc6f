"""gunicorn on a free loopback port for the bench scripts (run.py, load.py): started with the
given environment, ready once ``/healthz/`` answers, stopped (and waited for) on exit."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``with Server(env, workers) as server:`` … ``server.base_url``."""

    timeout_seconds = 300

    def __init__(self, env: dict, workers: int, log=print):
        self.env, self.workers, self.log = env, workers, log
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def prepare(self) -> None:
        """Work before gunicorn starts (subclasses: e.g. collectstatic)."""

    def __enter__(self) -> Server:
        import requests

        self.prepare()
        self.log(f"starting gunicorn ({self.workers} workers) on {self.base_url}")
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "civic.wsgi:application",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--chdir",
                str(ROOT),
                "--timeout",
                str(self.timeout_seconds),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited during start-up")
            try:
                if requests.get(self.base_url + "/healthz/", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.3)
        self.__exit__()
        raise RuntimeError("gunicorn did not answer /healthz/ within 90 s")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
