"""A small HTTP proxy in front of the emulator that breaks answers on request.

It listens on 127.0.0.1 and passes each request on to the emulator unchanged (the Host
header too, so SigV4 signatures still match), then sends the emulator's answer back, or a
broken version of it when a fault is queued for the request's action:

    proxy.fault_next("GetSessionToken", Fault.cut_after(b"</SecretAccessKey>"))

Point the command at it as its endpoint (`AWS_ENDPOINT_URL=proxy.url`) or as its HTTP proxy
(`HTTP_PROXY=proxy.url` with the emulator's own url as the endpoint): absolute request
targets are taken as a forward proxy takes them. Every exchange is recorded, with the
emulator's full answer, so a test can name the secrets the command must never print.

It runs on threads of the test process; each connection carries one request (the answer
says `Connection: close`).
"""

from __future__ import annotations

import re
import select
import socket
import socketserver
import ssl
import threading
from collections import deque
from dataclasses import dataclass, field
from http import HTTPStatus
from http.client import HTTPConnection
from pathlib import Path
from types import TracebackType
from urllib.parse import parse_qsl, urlsplit

ANY_ACTION = "*"
_HOP_BY_HOP = {"connection", "proxy-connection", "keep-alive", "transfer-encoding", "te"}
_MAX_HEADER_BYTES = 64 * 1024

CAPTIVE_PORTAL_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>Sign in to the network</title></head>"
    b"<body><h1>Welcome to Airport Wi-Fi</h1><form action='/login'>"
    b"<input name='room'><button>Connect</button></form></body></html>\n"
)
PROXY_ERROR_PAGE = (
    b"<html><body><h1>502 Bad Gateway</h1>"
    b"<p>The proxy server received an invalid response from an upstream server.</p>"
    b"</body></html>\n"
)


@dataclass(frozen=True)
class Fault:
    """What to do to one answer. Build one with the class methods."""

    kind: str
    marker: bytes = b""
    seconds: float = 0.0
    status: int = 200
    pattern: bytes = b""
    page: bytes = b""

    @classmethod
    def cut_after(cls, marker: bytes) -> Fault:
        """A complete HTTP answer whose body stops right after `marker` (Content-Length fits)."""
        return cls("cut_after", marker=marker)

    @classmethod
    def content_length_longer(cls, marker: bytes) -> Fault:
        """The body up to `marker`, under the Content-Length of the whole body; then the
        connection closes: an answer broken off on the way."""
        return cls("content_length_longer", marker=marker)

    @classmethod
    def drop(cls) -> Fault:
        """Read the request, then close the connection without a byte of answer."""
        return cls("drop")

    @classmethod
    def close_after_headers(cls) -> Fault:
        """Status line and headers (with the real Content-Length), then close."""
        return cls("close_after_headers")

    @classmethod
    def trickle(cls, every_seconds: float) -> Fault:
        """The real answer, its body one byte every `every_seconds` (each read gets a byte)."""
        return cls("trickle", seconds=every_seconds)

    @classmethod
    def html(cls, status: int = 200, page: bytes = CAPTIVE_PORTAL_PAGE) -> Fault:
        """A captive portal's or a corporate proxy's HTML page instead of AWS's XML."""
        return cls("html", status=status, page=page)

    @classmethod
    def without(cls, element: str) -> Fault:
        """The answer with the XML element `element` (and what it holds) left out."""
        name = re.escape(element.encode())
        return cls("rewrite", pattern=b"<" + name + b">.*?</" + name + b">")


@dataclass
class Exchange:
    """One request through the proxy and what became of its answer."""

    action: str
    fault: str
    """The fault's kind, or "" when the answer went back as the emulator gave it."""
    via_proxy: bool
    """The request named an absolute URL: the client used us as its HTTP proxy."""
    answer: bytes = b""
    """The emulator's answer body, before any fault."""
    client_hung_up: threading.Event = field(default_factory=threading.Event)
    """Set when the client closed the connection before the answer was all sent."""

    def element(self, name: str) -> str:
        """The text of the first `<name>` element of the emulator's answer ("" if none)."""
        found = re.search(rb"<" + name.encode() + rb">(.*?)</", self.answer, re.DOTALL)
        return found.group(1).decode() if found else ""


class FaultProxy:
    """The proxy server; a context manager. `upstream` is the emulator's http:// url."""

    def __init__(self, upstream: str, *, certificate: tuple[Path, Path] | None = None) -> None:
        """`certificate`: (cert, key) PEM files to speak TLS with (an https:// url)."""
        parts = urlsplit(upstream)
        self._upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self._tls: ssl.SSLContext | None = None
        if certificate is not None:
            self._tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self._tls.load_cert_chain(str(certificate[0]), str(certificate[1]))
        self._faults: dict[str, deque[Fault]] = {}
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        self.exchanges: list[Exchange] = []
        self._server: socketserver.ThreadingTCPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> FaultProxy:
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                proxy._serve(self.request)

        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self._server = server
        # A short poll: stop() waits for the loop to notice, once per test.
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fault-proxy"
        )
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "start the proxy first"
        scheme = "https" if self._tls is not None else "http"
        return f"{scheme}://127.0.0.1:{self._server.server_address[1]}"

    # -- faults and records -----------------------------------------------------------------

    def fault_next(self, action: str, fault: Fault, times: int = 1) -> None:
        """The next `times` answers to `action` (ANY_ACTION: to any request) get `fault`."""
        with self._lock:
            self._faults.setdefault(action, deque()).extend([fault] * times)

    def exchanges_of(self, action: str) -> list[Exchange]:
        with self._lock:
            return [exchange for exchange in self.exchanges if exchange.action == action]

    def secrets_sent(self) -> list[str]:
        """Every secret access key and session token the emulator answered through us."""
        with self._lock:
            exchanges = list(self.exchanges)
        found = [x.element(name) for x in exchanges for name in ("SecretAccessKey", "SessionToken")]
        return [value for value in found if value]

    def _take_fault(self, action: str) -> Fault | None:
        with self._lock:
            for key in (action, ANY_ACTION):
                queue = self._faults.get(key)
                if queue:
                    return queue.popleft()
        return None

    # -- one connection ---------------------------------------------------------------------

    def _serve(self, sock: socket.socket) -> None:
        if self._tls is not None:
            try:
                sock = self._tls.wrap_socket(sock, server_side=True)
            except (ssl.SSLError, OSError):
                return  # the client refused our certificate: nothing was asked
        elif _starts_tls(sock):
            # An https:// client speaking to a plain-HTTP port: answer in plain HTTP, as
            # a misconfigured proxy or port does; the client's TLS layer fails on it.
            sock.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            return
        request = _read_request(sock)
        if request is None:
            return
        method, target, headers, body = request
        via_proxy = target.startswith(("http://", "https://"))
        path = _origin_form(target)
        params = dict(parse_qsl(urlsplit(path).query))
        params.update(parse_qsl(body.decode("utf-8", "replace")))
        action = params.get("Action", "")
        fault = self._take_fault(action)
        exchange = Exchange(action, fault.kind if fault else "", via_proxy)
        with self._lock:
            self.exchanges.append(exchange)
        status, reason, answer_headers, answer = self._forward(method, path, headers, body)
        exchange.answer = answer
        try:
            self._answer(sock, exchange, fault, status, reason, answer_headers, answer)
        except OSError:
            exchange.client_hung_up.set()

    def _forward(
        self, method: str, path: str, headers: list[tuple[str, str]], body: bytes
    ) -> tuple[int, str, list[tuple[str, str]], bytes]:
        upstream = HTTPConnection(*self._upstream, timeout=60)
        try:
            upstream.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            for name, value in headers:
                if name.lower() not in _HOP_BY_HOP:
                    upstream.putheader(name, value)
            upstream.endheaders(body or None)
            response = upstream.getresponse()
            answer = response.read()
            kept = [(k, v) for k, v in response.getheaders() if k.lower() not in _HOP_BY_HOP]
            return response.status, response.reason, kept, answer
        finally:
            upstream.close()

    def _answer(
        self,
        sock: socket.socket,
        exchange: Exchange,
        fault: Fault | None,
        status: int,
        reason: str,
        headers: list[tuple[str, str]],
        body: bytes,
    ) -> None:
        kind = fault.kind if fault else ""
        if kind == "drop":
            return
        length = len(body)
        if fault is not None and kind in ("cut_after", "content_length_longer"):
            end = body.find(fault.marker)
            body = body if end < 0 else body[: end + len(fault.marker)]
            if kind == "cut_after":
                length = len(body)
        if fault is not None and kind == "rewrite":
            body = re.sub(fault.pattern, b"", body, flags=re.DOTALL)
            length = len(body)
        if fault is not None and kind == "html":
            status, reason = fault.status, HTTPStatus(fault.status).phrase
            headers, body = [("Content-Type", "text/html; charset=utf-8")], fault.page
            length = len(body)
        head = [f"HTTP/1.1 {status} {reason}"]
        head += [f"{k}: {v}" for k, v in headers if k.lower() != "content-length"]
        head += [f"Content-Length: {length}", "Connection: close", "", ""]
        sock.sendall("\r\n".join(head).encode("latin-1"))
        if kind == "close_after_headers":
            return
        if fault is not None and kind == "trickle":
            self._trickle(sock, exchange, body, fault.seconds)
            return
        sock.sendall(body)

    def _trickle(self, sock: socket.socket, exchange: Exchange, body: bytes, every: float) -> None:
        for position in range(len(body)):
            if _peer_closed(sock):
                exchange.client_hung_up.set()
                return
            sock.sendall(body[position : position + 1])
            if self.stopping.wait(every):
                return
        # The whole body went out (a test that waited that long): the client read it all.


def _starts_tls(sock: socket.socket) -> bool:
    readable, _, _ = select.select([sock], [], [], 10)
    return bool(readable) and sock.recv(1, socket.MSG_PEEK) == b"\x16"


def _peer_closed(sock: socket.socket) -> bool:
    readable, _, _ = select.select([sock], [], [], 0)
    if not readable:
        return False
    try:
        return sock.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


def _read_request(sock: socket.socket) -> tuple[str, str, list[tuple[str, str]], bytes] | None:
    """Request line, headers and the Content-Length body; None when the client sent none."""
    sock.settimeout(30)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk or len(data) > _MAX_HEADER_BYTES:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _version = lines[0].split(" ", 2)
        headers = [
            (name.strip(), value.strip())
            for name, _, value in (line.partition(":") for line in lines[1:])
        ]
        length = next((int(v) for k, v in headers if k.lower() == "content-length"), 0)
        while len(body) < length:
            chunk = sock.recv(length - len(body))
            if not chunk:
                return None
            body += chunk
    except (OSError, ValueError):
        return None
    return method, target, headers, body


def _origin_form(target: str) -> str:
    """`http://host:port/path?q` (a forward proxy's request) as `/path?q`."""
    if not target.startswith(("http://", "https://")):
        return target
    parts = urlsplit(target)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
