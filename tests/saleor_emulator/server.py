"""The loopback HTTP server: `/graphql/` and `/.well-known/jwks.json`, like Saleor's URLs."""

import json
import threading
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

GraphQLHandler = Callable[[Mapping[str, str], bytes], tuple[int, dict[str, Any]]]
JwksProvider = Callable[[], dict[str, Any]]


class _Handler(BaseHTTPRequestHandler):
    server: "SaleorHttpServer"
    protocol_version = "HTTP/1.1"

    def _send_json(self, status: int, payload: Any) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path == "/.well-known/jwks.json":
            self._send_json(200, self.server.jwks())
        elif self.path.split("?")[0] == "/graphql/":
            self._send_json(405, {"errors": [{"message": "Use POST for GraphQL requests."}]})
        else:
            self._send_json(404, {"detail": "Not found"})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if self.path != "/graphql/":
            self._send_json(404, {"detail": "Not found"})
            return
        status, payload = self.server.graphql(dict(self.headers.items()), body)
        self._send_json(status, payload)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests assert on recorded requests instead of reading access logs."""


class SaleorHttpServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, graphql: GraphQLHandler, jwks: JwksProvider) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.graphql = graphql
        self.jwks = jwks
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self.server_address[1]

    def start(self) -> None:
        self._thread = threading.Thread(
            # A short poll keeps shutdown() (every test's teardown) from waiting 0.5 s.
            target=self.serve_forever,
            kwargs={"poll_interval": 0.02},
            name=f"saleor-emulator:{self.port}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
