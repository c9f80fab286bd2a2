"""A scripted stand-in for an app's HTTP side (manifest, register, webhook receiver).

Tests of the emulator itself, and tests that only need "something that answers", use it
instead of the real Django app.
"""

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class StubRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class StubResponse:
    status: int = 200
    body: bytes = b'{"success": true}'
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "application/json"),)

    @classmethod
    def json(cls, payload: Any, status: int = 200) -> "StubResponse":
        return cls(status=status, body=json.dumps(payload).encode())


Route = StubResponse | Callable[[StubRequest], StubResponse]


class _Handler(BaseHTTPRequestHandler):
    server: "AppStub"
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        request = StubRequest(
            self.command, self.path, dict(self.headers.items()), self.rfile.read(length)
        )
        response = self.server.respond(request)
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)

    do_GET = do_POST = _serve

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read `requests` instead."""


class AppStub(ThreadingHTTPServer):
    """Routes by path (query string ignored); unknown paths answer 404."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, Route] = {}
        self.requests: list[StubRequest] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def route(self, path: str, response: Route) -> str:
        """Answer `path` with a fixed response or a callable; returns the full URL."""
        self.routes[path] = response
        return self.url(path)

    def respond(self, request: StubRequest) -> StubResponse:
        with self._lock:
            self.requests.append(request)
        route = self.routes.get(request.path.split("?")[0])
        if route is None:
            return StubResponse(status=404, body=b'{"detail": "not found"}')
        return route(request) if callable(route) else route

    def requests_to(self, path: str) -> list[StubRequest]:
        return [r for r in self.requests if r.path.split("?")[0] == path]

    def start(self) -> "AppStub":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5)
