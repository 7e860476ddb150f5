"""A TCP proxy on loopback that the fault tests put between the app and a dependency (the
object store, the database, Redis) to make it fail on demand: refuse connections, stall them,
or cut the ones open, then come back on the same port."""

from __future__ import annotations

import contextlib
import socket
import threading
from types import TracebackType

FORWARD, STALL = "forward", "stall"
_CHUNK = 65536


class TcpProxy:
    """Forward 127.0.0.1:``port`` to ``target``; ``down()`` closes the port (connections are
    refused), ``stall()`` accepts but never answers, ``cut()`` drops the open connections,
    ``up()`` forwards again on the same port."""

    def __init__(self, target_host: str, target_port: int) -> None:
        """Prepare a proxy to ``target_host:target_port`` (``start`` opens the port)."""
        self.target = (target_host, target_port)
        self.port = 0
        self.mode = FORWARD
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    @property
    def address(self) -> str:
        """``127.0.0.1:PORT`` of the proxy."""
        return f"127.0.0.1:{self.port}"

    def start(self) -> TcpProxy:
        """Listen (on the same port again after ``down``) and forward."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def up(self) -> None:
        """Forward again (reopening the port if it was closed)."""
        self.mode = FORWARD
        if self._listener is None:
            self.start()

    def stall(self) -> None:
        """Accept new connections but pass nothing through: a dependency that hangs."""
        self.mode = STALL

    def cut(self) -> None:
        """Drop every open connection (both sides see the connection reset or closed)."""
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()

    def down(self) -> None:
        """Close the port and every connection: the dependency refuses connections."""
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        self.cut()

    def _track(self, *socks: socket.socket) -> None:
        """Remember sockets so ``cut`` can close them."""
        with self._lock:
            self._sockets.update(socks)

    def _accept(self, listener: socket.socket) -> None:
        """Accept until the listener closes; forward or hold each connection."""
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            self._track(client)
            if self.mode == STALL:
                continue  # held open, never answered, until cut() or down()
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            self._track(upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        """Copy bytes one way until either side closes."""
        try:
            while data := source.recv(_CHUNK):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> TcpProxy:
        """Start for a ``with`` block."""
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close everything at the end of a ``with`` block."""
        self.down()
