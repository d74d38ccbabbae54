"""Previewing a built site on localhost: files only (no listings), bad requests refused in one
status line, and room for many connections at once (a deep backlog, idle ones timed out)."""

from __future__ import annotations

import functools
import http.server
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from ..errors import SpecError

#: Connections the kernel queues before the server accepts them (socketserver's default is 5).
BACKLOG = 1024
#: Seconds a connection may sit idle (or send its request slowly) before it is closed.
TIMEOUT = 10.0


def serve(
    folder: str | Path, *, port: int = 8000, host: str = "127.0.0.1", ready: Callable[[str], None] | None = None
) -> None:
    """Serve ``folder`` over HTTP until interrupted; ``ready`` is called with the address once listening."""
    folder = Path(folder)
    if not (folder / "index.html").is_file():
        raise SpecError("holds no built site", name=str(folder), fix="run 'lstmviz gallery build -o FOLDER' first")
    handler = functools.partial(_Files, directory=str(folder))
    try:
        server = _Server((host, port), handler)
    except OSError as err:
        raise SpecError(f"cannot listen on {host}:{port} ({err.strerror})", name="--port", fix="pick another port")
    with server:
        if ready is not None:
            ready(f"http://{host}:{server.server_address[1]}/")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


class _Server(http.server.ThreadingHTTPServer):
    """A thread per connection, a deep listen queue, and no tracebacks for a client's bad manners."""

    request_queue_size = BACKLOG
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hangs up or times out is not the server's error; nothing to print


class _Files(http.server.SimpleHTTPRequestHandler):
    """Serves the site's files and nothing else: 400 for a path no file can have, 404 for a folder
    without an index.html, no log line per request."""

    timeout = TIMEOUT
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".toml": "text/plain; charset=utf-8"}

    def send_head(self):  # type: ignore[no-untyped-def]
        if not _plausible(self.path):
            self.send_error(400, "Bad request path")
            return None
        return super().send_head()

    def list_directory(self, path: str | Path):  # type: ignore[no-untyped-def]
        self.send_error(404, "No such page")
        return None

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


def _plausible(raw: str) -> bool:
    """Whether a request path could name a file of the site: it decodes as UTF-8, holds no NUL or
    other control character and no backslash, and does not climb with ``..``."""
    try:
        path = urllib.parse.unquote(raw.split("?", 1)[0].split("#", 1)[0], errors="strict")
    except UnicodeDecodeError:
        return False
    if not path.startswith("/") or any(ord(c) < 32 or ord(c) == 127 or c == "\\" for c in path):
        return False
    return ".." not in path.split("/")
