"""The bring-up test's machinery: the systemd units read as systemd reads them, the environment
file made from ``deploy/.env.example``, and the processes they name started and always stopped.

Only what ties a unit to a server is rewritten: the install prefix (``/opt/school-safety``, its
``.venv/bin/``) becomes this checkout, ``/var/lib/school-safety`` a temp folder, and ``${VAR}``
is expanded from the process's environment as systemd does. Everything else runs as written.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import redis

from tests.support.seaweed import _kill_with_parent

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
INSTALL = "/opt/school-safety"
STATE = "/var/lib/school-safety"
# The units' programs live in the install's venv; here in this checkout's (scripts/bootstrap.sh
# makes it), or the one running the tests.
VENV_BIN = REPO / ".venv" / "bin"
if not (VENV_BIN / "gunicorn").exists():
    VENV_BIN = Path(sys.executable).parent
# Redis databases the other tests use (15) and the benchmarks (14): never taken here.
_REDIS_DATABASES = range(1, 14)
_REDIS_CLAIM = "school-safety-bringup:claim"


@dataclass
class Unit:
    """What a ``[Service]`` section says about the process it starts."""

    name: str
    exec_start: list[str] = field(default_factory=list)
    exec_start_post: list[str] = field(default_factory=list)
    environment: dict[str, str] = field(default_factory=dict)
    environment_file: str = ""
    working_directory: str = ""


def read_unit(name: str) -> Unit:
    """Parse ``deploy/systemd/<name>``'s ``[Service]`` section (keys may repeat)."""
    unit, section = Unit(name), ""
    for line in (DEPLOY / "systemd" / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        if section != "Service" or line.startswith("#") or "=" not in line:
            continue
        key, value = (part.strip() for part in line.split("=", 1))
        if key == "ExecStart":
            unit.exec_start.append(value)
        elif key == "ExecStartPost":
            unit.exec_start_post.append(value)
        elif key == "Environment":
            # Environment=A=1 B=2: space-separated assignments, quotes as in a shell.
            unit.environment |= dict(word.split("=", 1) for word in shlex.split(value))
        elif key == "EnvironmentFile":
            unit.environment_file = value
        elif key == "WorkingDirectory":
            unit.working_directory = value
    return unit


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines as systemd's ``EnvironmentFile=`` reads them (``#`` lines are comments)."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def write_env_file(path: Path, values: dict[str, str]) -> Path:
    """``deploy/.env.example`` with ``values`` put in: every key kept, in its place, comments too;
    a key the example does not have is refused (the example must list every setting)."""
    example = (DEPLOY / ".env.example").read_text(encoding="utf-8").splitlines()
    unknown = set(values) - set(read_env_file(DEPLOY / ".env.example"))
    assert not unknown, f"not in deploy/.env.example: {sorted(unknown)}"
    lines = []
    for line in example:
        key = line.partition("=")[0].strip()
        if not line.lstrip().startswith("#") and key in values:
            line = f"{key}={values[key]}"
        lines.append(line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def unit_environment(unit: Unit, env_file: Path, state_dir: Path) -> dict[str, str]:
    """The process environment systemd would give the unit: a clean one, the unit's
    ``Environment=``, then the file (whose settings win, as systemd documents)."""
    base = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "HOME": str(state_dir),
        "TMPDIR": str(state_dir),
    }
    return {**base, **unit.environment, **read_env_file(env_file)}


def command(line: str, env: dict[str, str], state_dir: Path) -> list[str]:
    """A unit's command line as words, its program from this checkout's venv instead of the
    install's."""
    expanded = re.sub(r"\$\{(\w+)\}", lambda m: env.get(m.group(1), ""), line)
    words = shlex.split(expanded)
    words[0] = words[0].replace(f"{INSTALL}/.venv/bin", str(VENV_BIN), 1)
    return [word.replace(STATE, str(state_dir)).replace(INSTALL, str(REPO)) for word in words]


def working_directory(unit: Unit) -> Path:
    """The unit's working directory, moved from the install prefix to this checkout."""
    assert unit.working_directory == INSTALL, unit.working_directory
    return REPO


def free_port() -> int:
    """A loopback port free right now, below Linux's ephemeral range (as the SeaweedFS helper
    picks them) so outgoing connections do not take it before the server binds it."""
    for _ in range(500):
        port = random.randint(23000, 32000)
        with socket.socket() as sock, contextlib.suppress(OSError):
            sock.bind(("127.0.0.1", port))
            return port
    raise RuntimeError("no free port")


@contextlib.contextmanager
def redis_database():
    """Yield the URL of an empty Redis database this run claimed (the queue's keys are fixed, so
    two stacks sharing one would take each other's jobs); everything in it goes afterwards."""
    for number in _REDIS_DATABASES:
        client = redis.Redis(host="127.0.0.1", port=6379, db=number, socket_connect_timeout=2)
        if client.dbsize() == 0 and client.set(_REDIS_CLAIM, os.getpid(), nx=True, ex=900):
            try:
                yield f"redis://127.0.0.1:6379/{number}"
            finally:
                client.flushdb()
                client.close()
            return
        client.close()
    raise RuntimeError("every Redis database 1-13 is in use")


class Processes:
    """Long-running processes, each in its own process group with its output in a file."""

    def __init__(self, logs: Path) -> None:
        """Keep the logs in ``logs``."""
        self.logs = logs
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, argv: list[str], env: dict[str, str], cwd: Path) -> None:
        """Start ``argv`` as ``name`` (its own session, so stopping it stops its children)."""
        with (self.logs / f"{name}.log").open("ab") as log:
            self.running[name] = subprocess.Popen(
                argv,
                env=env,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                # Should the test process die without its clean-up, the stack goes with it.
                preexec_fn=_kill_with_parent,
            )

    def check_alive(self) -> None:
        """Fail, with its log, if a process has exited."""
        for name, process in self.running.items():
            code = process.poll()
            assert code is None, f"{name} exited ({code}):\n{self.tail(name)}"

    def tail(self, name: str, lines: int = 30) -> str:
        """The last lines a process wrote."""
        path = self.logs / f"{name}.log"
        text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, name: str) -> None:
        """SIGINT (what the units' KillSignal is: running jobs finish), then SIGKILL after 15 s."""
        process = self.running.pop(name)
        for sig, wait in ((signal.SIGINT, 15), (signal.SIGKILL, 10)):
            if process.poll() is not None:
                break
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=wait)
        # Children left behind in the group (a gunicorn worker) go too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)

    def stop_all(self) -> None:
        """Stop every process, the last started first."""
        for name in reversed(list(self.running)):
            self.stop(name)


def run(argv: list[str], env: dict[str, str], cwd: Path, timeout: float = 120) -> str:
    """Run a one-shot command (a oneshot unit's ExecStart); fail with its output unless 0."""
    done = subprocess.run(
        argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"{argv} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def wait_for(what: str, probe, timeout: float = 60, processes: Processes | None = None):
    """Poll ``probe`` until it returns something truthy (returned), for ``timeout`` seconds at
    most; the stack's processes must stay up meanwhile."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if processes is not None:
            processes.check_alive()
        assert time.monotonic() < deadline, f"gave up waiting {timeout:.0f} s for {what}"
        time.sleep(0.2)
