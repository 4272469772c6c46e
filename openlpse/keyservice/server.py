"""The key service's HTTP JSON server (stdlib `http.server`, one thread per request).

Every request except GET /health needs `Authorization: Bearer <DIR/token>` (compared in
constant time); a refused request is logged like any other call. Answers are JSON objects;
errors are {"code", "message", ...} with 400, 401, 403 (too_early), 404 or 409.
"""

from __future__ import annotations

import hmac
import json
import os
import socketserver
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from openlpse.keyservice import core

MAX_BODY = 4 * 1024 * 1024


class Handler(BaseHTTPRequestHandler):
    server: KeyServiceServer  # type: ignore[assignment]
    server_version = "OpenLPSE-KeyService"
    sys_version = ""

    def address_string(self) -> str:
        address = self.client_address
        if isinstance(address, tuple) and address:
            return str(address[0])
        return "unix"

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.access_log:
            super().log_message(format, *args)

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        if status == 401:
            self.send_header("WWW-Authenticate", 'Bearer realm="openlpse-keyservice"')
        self.end_headers()
        self.wfile.write(data)

    def _authorized(self) -> bool:
        header = self.headers.get("Authorization", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not given:
            return False
        return hmac.compare_digest(given.strip().encode("utf-8"), self.server.token.encode("utf-8"))

    def _dispatch(self, method: str) -> None:
        service = self.server.service
        client = self.address_string()
        path = self.path.split("?", 1)[0]
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            error: core.ServiceError = core.BadRequest("The request body is missing or too large.")
            service.log_refusal(f"{method} {path}"[:80], error, client=client)
            self._send(error.status, error.as_dict())
            return
        body = self.rfile.read(length) if length else b""
        if not (method == "GET" and path == "/health") and not self._authorized():
            error = core.Unauthorized("Send the key service token: Authorization: Bearer <token>.")
            service.log_refusal(f"{method} {path}"[:80], error, client=client)
            self._send(error.status, error.as_dict())
            return
        status, payload = core.handle(service, method, path, body, client=client)
        self._send(status, payload)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")


class KeyServiceServer:
    """Mixin-free holder of what the handler needs (service, token, access_log)."""

    service: core.KeyService
    token: str
    access_log: bool


class TcpServer(ThreadingHTTPServer, KeyServiceServer):
    daemon_threads = True


class UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer, KeyServiceServer):
    daemon_threads = True


def make_server(
    service: core.KeyService, token: str, listen: str, *, access_log: bool = False
) -> TcpServer | UnixServer:
    """`listen` is host:port (port 0 picks a free one) or unix:/path (mode 0660)."""
    server: TcpServer | UnixServer
    if listen.startswith("unix:"):
        path = Path(listen.removeprefix("unix:"))
        if path.is_socket():
            path.unlink()
        server = UnixServer(str(path), Handler)
        os.chmod(path, 0o660)
    else:
        host, _, port = listen.rpartition(":")
        if not host or not port.isdigit():
            raise ValueError("--listen must be host:port or unix:/path")
        server = TcpServer((host.strip("[]"), int(port)), Handler)
    server.service = service
    server.token = token
    server.access_log = access_log
    return server


def address_of(server: TcpServer | UnixServer) -> str:
    if isinstance(server, UnixServer):
        address = server.server_address
        text: str = address.decode() if isinstance(address, bytes) else str(address)
        return "unix:" + text
    host, port = server.server_address[:2]
    host_text = host.decode() if isinstance(host, bytes) else str(host)
    return f"http://{host_text}:{int(port)}"
