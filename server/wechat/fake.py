"""A fake WeChat API server speaking the real HTTP protocol, for tests and the local demo.

Serves ``GET cgi-bin/token``, ``POST cgi-bin/stable_token``, ``GET sns/jscode2session`` and
``POST cgi-bin/message/subscribe/send``, and the content checks ``POST wxa/msg_sec_check`` and
``POST wxa/media_check_async`` (and their control API:
``server/wechat/fake_content.py``); the rules live in
:mod:`server.wechat.fake_state`.

Control API (JSON over HTTP, mirrored by methods of :class:`FakeWeChatServer`):

- ``POST /_fake/codes`` ``{openid, unionid?}`` -> ``{code}``
- ``POST /_fake/default-openid`` ``{openid: str|null}``: unknown codes log in once as it
- ``POST /_fake/openids`` ``{openid}``: register a user who can receive messages
- ``POST /_fake/templates`` ``{template_id}``
- ``POST /_fake/refusals`` ``{openid, template_id}``: that user answers 43101
- ``POST /_fake/failures`` ``{path, errcode?, errmsg?, http_status?, delay?, times?}``
  or ``{path, errcode, rate, seed?, errmsg?}`` for a random error rate
- ``POST /_fake/advance`` ``{seconds}``: move the fake clock
- ``GET /_fake/messages`` -> ``{messages: [...]}``; ``GET /_fake/stats`` -> ``{token_requests}``
- ``POST /_fake/reset``
"""

from __future__ import annotations

import random
import threading
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, abort, jsonify, request
from werkzeug.exceptions import BadRequest
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from server.wechat.fake_content import add_content_routes
from server.wechat.fake_state import (
    DEFAULT_ERRMSGS,
    TOKEN_PATHS,
    FakeWeChatState,
    InjectedFailure,
    error,
    make_failure,
)


def _body() -> dict[str, Any]:
    """Parse the JSON body; wechatpy posts JSON bytes without a Content-Type, hence force."""
    data = request.get_json(force=True, silent=True)
    return data if isinstance(data, dict) else {}


def _field(body: dict[str, Any], key: str) -> Any:
    """Return a required control-API field or answer 400."""
    if body.get(key) is None:
        raise BadRequest(f"missing field {key!r}")
    return body[key]


def create_app(fake: FakeWeChatServer, stopping: threading.Event) -> Flask:
    """Build the Flask app serving ``fake``; ``stopping`` cuts injected delays short."""
    app = Flask("fake_wechat")

    @app.errorhandler(BadRequest)
    def bad_request(exc: BadRequest) -> tuple[Response, int]:
        """Answer control-API mistakes as JSON so test failures are readable."""
        return jsonify({"error": exc.description}), 400

    @app.before_request
    def inject_failure() -> Response | None:
        """Apply a queued or random failure before the real handler runs."""
        path = request.path.strip("/")
        failure = None if path.startswith("_fake") else fake.take_failure(path)
        if failure is None:
            return None
        if failure.delay:
            generation = fake.generation
            stopping.wait(failure.delay)
            if fake.generation != generation:
                # The caller gave up long ago and a reset() started a new scenario (the
                # next test): acting now, e.g. minting a token, would disturb it.
                return Response("fake was reset during the delay", status=503)
        if failure.http_status:
            return Response(f"injected HTTP {failure.http_status}", status=failure.http_status)
        if failure.errcode is not None:
            msg = failure.errmsg or DEFAULT_ERRMSGS.get(failure.errcode, "injected error")
            return jsonify(error(failure.errcode, msg))
        return None  # a pure delay: answer normally, just late

    @app.get("/cgi-bin/token")
    def token() -> Response:
        """Issue a fresh access token."""
        args = request.args
        return jsonify(
            fake.get_token(args.get("grant_type"), args.get("appid"), args.get("secret"))
        )

    @app.post("/cgi-bin/stable_token")
    def stable_token() -> Response:
        """Issue the stable access token."""
        return jsonify(fake.get_stable_token(_body()))

    @app.get("/sns/jscode2session")
    def jscode2session() -> Response:
        """Exchange a login code for openid/session_key."""
        return jsonify(fake.code_to_session(request.args.to_dict()))

    @app.post("/cgi-bin/message/subscribe/send")
    def subscribe_send() -> Response:
        """Deliver (record) a subscribe message."""
        body = request.get_json(force=True, silent=True)
        return jsonify(fake.send_subscribe(request.args.get("access_token"), body))

    add_content_routes(app, fake)

    @app.post("/_fake/codes")
    def control_codes() -> Response:
        """Mint a login code."""
        body = _body()
        return jsonify({"code": fake.mint_code(_field(body, "openid"), body.get("unionid"))})

    @app.post("/_fake/default-openid")
    def control_default_openid() -> Response:
        """Set or clear (null) the openid that unknown codes map to."""
        fake.set_default_openid(_body().get("openid"))
        return jsonify({"ok": True})

    @app.post("/_fake/failures")
    def control_failures() -> Response:
        """Queue a failure, or set a random error rate when ``rate`` is given."""
        body = _body()
        path, keys = _field(body, "path"), ("errcode", "errmsg", "http_status", "delay")
        try:
            if body.get("rate") is not None:
                seed = int(body.get("seed", 0))
                errcode, rate = _field(body, "errcode"), body["rate"]
                fake.set_error_rate(path, errcode, rate, seed, body.get("errmsg"))
            else:
                args = {k: body.get(k) for k in keys}
                fake.inject_failure(path, **args, times=body.get("times", 1))
        except (TypeError, ValueError) as exc:
            raise BadRequest(str(exc)) from exc
        return jsonify({"ok": True})

    # Control calls that just forward required fields: name -> (method, fields).
    simple: dict[str, tuple[Callable[..., None], tuple[str, ...]]] = {
        "openids": (fake.register_openid, ("openid",)),
        "templates": (fake.register_template, ("template_id",)),
        "refusals": (fake.refuse, ("openid", "template_id")),
        "advance": (lambda seconds: fake.advance(float(seconds)), ("seconds",)),
        "reset": (fake.reset, ()),
    }

    @app.post("/_fake/<name>")
    def control_simple(name: str) -> Response:
        """Run one of the ``simple`` control calls."""
        if name not in simple:
            abort(404)
        method, fields = simple[name]
        body = _body()
        method(*(_field(body, key) for key in fields))
        return jsonify({"ok": True})

    @app.get("/_fake/messages")
    def control_messages() -> Response:
        """List accepted subscribe messages."""
        return jsonify({"messages": fake.messages()})

    @app.get("/_fake/stats")
    def control_stats() -> Response:
        """Report counters."""
        return jsonify({"token_requests": fake.token_requests})

    return app


class _QuietHandler(WSGIRequestHandler):
    """Request handler that does not log every request (tests would drown in it)."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        """Skip the access log line."""


class FakeWeChatServer(FakeWeChatState):
    """A fake api.weixin.qq.com on a local port.

    It *is* its state, so its control methods (``mint_code``, ``set_default_openid``,
    ``register_openid``, ``register_template``, ``refuse``, ``messages``, ``advance``,
    ``reset``) are the very calls the HTTP control API makes; failure injection and the
    ``token_requests`` counter are added here because they concern the HTTP layer.
    """

    def __init__(
        self,
        appid: str,
        secret: str,
        host: str = "127.0.0.1",
        port: int = 0,
        token_grace_seconds: float = 300,
        now: Callable[[], float] | None = None,
        log_requests: bool = False,
    ) -> None:
        """Prepare (not start) the server; port 0 picks a free port at ``start()``."""
        self.token_requests = 0
        self.generation = 0  # bumped by reset(); lets delayed requests notice it
        self._failures: dict[str, deque[InjectedFailure]] = {}
        # path -> (failure to answer, probability, seeded RNG for repeatable tests)
        self._rates: dict[str, tuple[InjectedFailure, float, random.Random]] = {}
        super().__init__(appid, secret, token_grace_seconds, now)
        self.host, self._port = host, port
        self._stopping = threading.Event()
        self.app = create_app(self, self._stopping)
        self._log_requests = log_requests
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    def reset(self) -> None:
        """Forget everything, injected failures and the token counter included."""
        with self._lock:
            super().reset()
            self._failures.clear()
            self._rates.clear()
            self.token_requests = 0
            self.generation += 1

    def inject_failure(
        self,
        path: str,
        errcode: int | None = None,
        errmsg: str | None = None,
        http_status: int | None = None,
        delay: float | None = None,
        times: int = 1,
    ) -> None:
        """Queue a failure for the next ``times`` calls of ``path`` (e.g. "sns/jscode2session").

        ``delay`` sleeps first; then ``http_status`` answers a non-JSON body, ``errcode``
        a WeChat JSON error, and with neither the call is answered normally, late.
        """
        failure = make_failure(errcode, errmsg, http_status, delay, times)
        with self._lock:
            self._failures.setdefault(path.strip("/"), deque()).append(failure)

    def set_error_rate(
        self, path: str, errcode: int, rate: float, seed: int = 0, errmsg: str | None = None
    ) -> None:
        """Answer ``errcode`` on a random ``rate`` fraction of calls of ``path``."""
        failure = InjectedFailure(errcode=int(errcode), errmsg=errmsg)
        with self._lock:
            self._rates[path.strip("/")] = (failure, float(rate), random.Random(seed))

    def take_failure(self, path: str) -> InjectedFailure | None:
        """Count token calls, then consume the failure (queued or random) for ``path``."""
        with self._lock:
            if path in TOKEN_PATHS:
                self.token_requests += 1
            queue = self._failures.get(path)
            if queue:
                queue[0].times -= 1
                return queue[0] if queue[0].times > 0 else queue.popleft()
            if path in self._rates:
                failure, rate, rng = self._rates[path]
                if rng.random() < rate:
                    return failure
        return None

    def _bind(self) -> BaseWSGIServer:
        """Create the listening socket."""
        handler = WSGIRequestHandler if self._log_requests else _QuietHandler
        self._stopping.clear()
        self._server = make_server(
            self.host, self._port, self.app, threaded=True, request_handler=handler
        )
        self._port = self._server.server_port  # keep the port if restarted
        return self._server

    def start(self) -> FakeWeChatServer:
        """Serve in a daemon thread and return self."""
        server = self._bind()
        # A short poll interval keeps stop() fast (the default 0.5 s adds up in tests).
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-wechat",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port; in-flight injected delays end early."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeWeChatServer:
        """Start on entering a ``with`` block."""
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        """Stop on leaving a ``with`` block."""
        self.stop()

    @property
    def url(self) -> str:
        """Base URL to use as WECHAT_API_BASE_URL, with a trailing slash."""
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"http://{host}:{self._port}/"


def serve_forever(
    appid: str,
    secret: str,
    host: str = "127.0.0.1",
    port: int = 8090,
    templates: Iterable[str] = (),
    openids: Iterable[str] = (),
    media_verdict: tuple[str, str, str] | None = None,
) -> None:
    """Run the fake in the foreground until Ctrl-C (for the local demo CLI), knowing the given
    subscribe templates and users from the start, and answering media checks with
    ``media_verdict`` (callback URL, push token, suggest) when given."""
    fake = FakeWeChatServer(appid, secret, host=host, port=port, log_requests=True)
    for template_id in templates:
        fake.register_template(template_id)
    for openid in openids:
        fake.register_openid(openid)
    # (callback URL, push token, suggest): every media check is answered by a push a second later.
    fake.auto_verdict = media_verdict
    server = fake._bind()
    print(
        f"Fake WeChat API for appid {appid} at {fake.url} (control API under /_fake/)", flush=True
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
