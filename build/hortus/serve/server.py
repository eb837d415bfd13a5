"""The preview's HTTP server on 127.0.0.1: the built files with the clean URLs Vercel gives
them, every HTML page with the live additions, and the stream of build numbers."""

from __future__ import annotations

import contextlib
import mimetypes
import os
import shutil
import socket
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote, urlsplit

from hortus.serve.live import (
    EVENTS,
    LIVE_JS,
    LIVE_SCRIPT,
    SWAP_LOCK,
    LiveState,
    Snapshot,
    inject,
    placeholder_page,
)
from hortus.site import ASSET_DIR

HOST = "127.0.0.1"
HEARTBEAT_S = 15.0  # a comment line on idle event streams, so closed tabs are noticed

_TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")
mimetypes.add_type("text/javascript", ".mjs")
mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("font/woff2", ".woff2")


class PreviewServer(ThreadingHTTPServer):
    """One thread per request; every connection is known, so stopping never waits on one."""

    daemon_threads = False  # joined on close, so Ctrl-C leaves no request thread behind
    block_on_close = True

    def __init__(self, address: tuple[str, int], state: LiveState) -> None:
        self.state = state
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Wake every handler blocked on a silent client, so the threads can be joined."""
        with self.connections_lock:
            connections = list(self.connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.0"  # one request per connection: nothing idles to be joined
    timeout = 30
    server_version = "hortus-serve"

    def log_message(self, format: str, *args: object) -> None:
        pass  # the terminal shows one line per rebuild, not one per request

    def do_GET(self) -> None:
        self._respond(body=True)

    def do_HEAD(self) -> None:
        self._respond(body=False)

    def _respond(self, *, body: bool) -> None:
        # The tab may be closed or reloaded mid-response.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError, TimeoutError):
            self._route(body)

    def _route(self, body: bool) -> None:
        url = urlsplit(self.path)
        if url.path == EVENTS:
            self._events()
            return
        if url.path == LIVE_JS:
            self._send(HTTPStatus.OK, "text/javascript; charset=utf-8", LIVE_SCRIPT, body)
            return
        snapshot = self.server.state.snapshot
        if snapshot.root is None:
            page = placeholder_page(snapshot)
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, "text/html; charset=utf-8", page, body)
            return
        with SWAP_LOCK:  # a build does not swap its folder between this lookup and the open
            target, redirect = resolve_path(snapshot.root, url.path)
            status = HTTPStatus.OK
            if target is None and not redirect:
                status = HTTPStatus.NOT_FOUND
                target = snapshot.root / "404.html"
            handle = _open(target) if target is not None else None
        if redirect:
            location = url.path + "/" + (f"?{url.query}" if url.query else "")
            self.send_response(HTTPStatus.FOUND)  # not 301: browsers would cache it for good
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif handle is None or target is None:
            self._send(status, "text/html; charset=utf-8", placeholder_page(snapshot), body)
        else:
            with handle:
                self._send_file(status, target.name, handle, snapshot, body)

    def _send_file(
        self, status: HTTPStatus, name: str, handle: BinaryIO, snapshot: Snapshot, body: bool
    ) -> None:
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if kind.startswith(_TEXT_TYPES):
            kind += "; charset=utf-8"
        if kind.startswith("text/html"):
            self._send(status, kind, inject(handle.read(), snapshot), body)
            return
        # Read from the open file: it stays whole even if a build replaces the folder now.
        self._headers(status, kind, os.fstat(handle.fileno()).st_size)
        if body:
            shutil.copyfileobj(handle, self.wfile)

    def _send(self, status: HTTPStatus, kind: str, data: bytes, body: bool) -> None:
        self._headers(status, kind, len(data))
        if body:
            self.wfile.write(data)

    def _headers(self, status: HTTPStatus, kind: str, length: int) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(length))
        if status == HTTPStatus.OK and self.path.startswith(f"/{ASSET_DIR}/"):
            # Content-hashed names, as vercel.json says: a reload refetches only the page.
            self.send_header("Cache-Control", "public, max-age=31536000, immutable")
        else:
            self.send_header("Cache-Control", "no-store")  # a reload must fetch the new build
        self.end_headers()

    def _events(self) -> None:
        """One Server-Sent Events stream: the build number now, then after every build."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        state = self.server.state
        snapshot: Snapshot | None = state.snapshot
        self.wfile.write(b"retry: 500\n\n")  # reconnect quickly when the server restarts
        sent = ""
        while snapshot is not None:
            if snapshot.generation != sent:
                self.wfile.write(f"data: {snapshot.generation}\n\n".encode())
                sent = snapshot.generation
            else:
                self.wfile.write(b": idle\n\n")
            self.wfile.flush()
            snapshot = state.wait_for_change(sent, HEARTBEAT_S)


def resolve_path(root: Path, url_path: str) -> tuple[Path | None, bool]:
    """The file for a URL path, or None; True when the URL should gain a trailing slash."""
    parts = [p for p in unquote(url_path).split("/") if p not in ("", ".")]
    if ".." in parts or any("\x00" in p or "\\" in p for p in parts):
        return None, False
    target = root.joinpath(*parts)
    if url_path.endswith("/"):
        target = target / "index.html"
    elif target.is_dir():
        return None, (target / "index.html").is_file()
    elif not target.is_file() and target.with_name(target.name + ".html").is_file():
        target = target.with_name(target.name + ".html")  # cleanUrls: /404 is 404.html
    return (target if target.is_file() else None), False


def _open(path: Path) -> BinaryIO | None:
    try:
        return path.open("rb")
    except OSError:  # a folder, or gone
        return None
