"""A stand-in for an endpoint no login should reach ("localstack", a test endpoint, a proxy).

It listens on 127.0.0.1, records every request that reaches it (method, path, body) and
answers as an AWS endpoint refusing the caller would, so a login sent there fails rather
than hangs. A test asserts on `requests`: empty when the login went where it should.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

_REFUSAL = (
    b'<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
    b"<Error><Type>Sender</Type><Code>AccessDenied</Code>"
    b"<Message>This endpoint only records requests.</Message></Error>"
    b"<RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>"
)


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    body: str


class RequestRecorder:
    """A context manager; `url` while it runs."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8", "replace")
                recorder.requests.append(Recorded(self.command, self.path, body))
                self.send_response(403)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(_REFUSAL)))
                self.end_headers()
                self.wfile.write(_REFUSAL)

            do_GET = do_POST

            def log_message(self, *_args: object) -> None:
                return  # the test reads `requests`, not a log on stderr

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> RequestRecorder:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
