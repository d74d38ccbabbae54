"""Previewing a built site on localhost: its files and nothing else.

One asyncio loop serves every connection, so hundreds at once cost no threads and an idle one
holds nothing but a socket until it times out; the listen queue is deep, so a burst of
connections is queued rather than dropped; a request for a path no file of the site can have is
answered 400, a folder without an index 404 (never a listing), and nothing is printed per request.
"""

from __future__ import annotations

import asyncio
import mimetypes
import socket
import threading
import urllib.parse
from collections.abc import Callable
from email.utils import formatdate
from pathlib import Path

from ..errors import SpecError

#: Connections the kernel queues before the server accepts them (socketserver's default is 5).
BACKLOG = 1024
#: Seconds a connection may take to send its request before it is closed.
TIMEOUT = 10.0
#: The longest request head (request line and headers) read.
MAX_HEAD = 16 * 1024
#: The longest request target answered (longer: 414); no file of a site has a path near it.
MAX_TARGET = 2048

_TYPES = {".toml": "text/plain; charset=utf-8", ".html": "text/html; charset=utf-8", ".svg": "image/svg+xml"}
_REASONS = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    414: "URI Too Long",
}


#: Where a live page asks which build it is looking at.
BUILD_PATH = "/__lstmviz/build"
#: What a live page runs: it asks the server which build is current and reloads when that changes
#: (a player in a frame does not ask: its page's reload reloads it).
_RELOAD = (
    "<script>(function(){if(window.top!==window)return;let seen=null;async function poll(){try{const r=await fetch('"
    + BUILD_PATH
    + "',"
    "{cache:'no-store'});const now=await r.text();if(seen===null)seen=now;else if(now!==seen){location.reload();"
    "return;}}catch(e){}setTimeout(poll,500);}poll();})();</script>"
).encode("ascii")


def serve(
    folder: str | Path,
    *,
    port: int = 8000,
    host: str = "127.0.0.1",
    ready: Callable[[str], None] | None = None,
    live: bool = False,
) -> None:
    """Serve ``folder`` over HTTP until interrupted; ``ready`` is called with the address once listening.
    With ``live``, every page reloads itself when the site is rebuilt (for ``serve --watch``)."""
    with make_server(folder, port=port, host=host, live=live) as server:
        if ready is not None:
            ready(f"http://{host}:{server.server_address[1]}/")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


def make_server(
    folder: str | Path, *, port: int = 8000, host: str = "127.0.0.1", timeout: float = TIMEOUT, live: bool = False
) -> Server:
    """A server for ``folder``, listening but not yet serving (``serve_forever``, ``shutdown``);
    a connection that has not sent its whole request within ``timeout`` seconds is closed; ``live``
    as for :func:`serve`."""
    folder = Path(folder)
    if not (folder / "index.html").is_file():
        raise SpecError("holds no built site", name=str(folder), fix="run 'lstmviz gallery build -o FOLDER' first")
    try:
        sock = socket.create_server((host, port), backlog=BACKLOG)
    except OSError as err:
        raise SpecError(
            f"cannot listen on {host}:{port} ({err.strerror})", name="--port", fix="pick another port"
        ) from None
    return Server(folder.resolve(), sock, timeout, live)


class Server:
    """The site's files over HTTP/1.0, from one asyncio loop (see the module's docstring)."""

    request_queue_size = BACKLOG

    def __init__(self, root: Path, sock: socket.socket, timeout: float, live: bool = False) -> None:
        self.root = root
        self.live = live
        self.socket = sock
        self.timeout = timeout
        self.server_address = sock.getsockname()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._serving = threading.Event()
        self._stopped = threading.Event()

    def serve_forever(self) -> None:
        """Answer requests until :meth:`shutdown` is called (from another thread) or Ctrl-C."""
        asyncio.run(self._main())

    def shutdown(self) -> None:
        """Stop :meth:`serve_forever` (started in another thread) and wait until it has."""
        if not self._serving.wait(10):
            return  # never started
        assert self._loop is not None and self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._stopped.wait()

    def server_close(self) -> None:
        self.socket.close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.server_close()

    async def _main(self) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        try:
            async with await asyncio.start_server(self._answer, sock=self.socket, limit=MAX_HEAD, backlog=BACKLOG):
                self._serving.set()
                await self._stop.wait()
        finally:
            self._stopped.set()

    async def _answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            try:
                async with asyncio.timeout(self.timeout):
                    head = await reader.readuntil(b"\r\n\r\n")
            except TimeoutError:
                writer.write(_reply(408, b"request timed out\n"))
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):  # hung up, or an endless head
                writer.write(_reply(400, b"bad request\n"))
            else:
                writer.write(self._respond(head))
            await writer.drain()
        except OSError:  # the client went away: nothing to tell anyone
            pass
        finally:
            writer.close()

    def _respond(self, head: bytes) -> bytes:
        """The whole reply to one request head."""
        parts = head.split(b"\r\n", 1)[0].split(b" ")
        if len(parts) != 3 or not parts[2].startswith(b"HTTP/"):
            return _reply(400, b"bad request\n")
        method, target = parts[0], parts[1].decode("latin-1")
        if method not in (b"GET", b"HEAD"):
            return _reply(405, b"only GET and HEAD\n")
        if len(target) > MAX_TARGET:
            return _reply(414, b"request target too long\n")
        path = _site_path(target)
        if path is None:
            return _reply(400, b"bad request path\n")
        if self.live and path == BUILD_PATH:
            return _reply(200, self._build_id(), head_only=method == b"HEAD")
        file = self._file(path)
        if file is None:
            return _reply(404, b"no such page\n")
        try:
            body = file.read_bytes()
        except OSError:
            return _reply(404, b"no such page\n")
        kind = _TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if self.live and file.suffix == ".html" and b"</body>" in body:
            at = body.rindex(b"</body>")
            body = body[:at] + _RELOAD + body[at:]
        return _reply(200, body, kind, head_only=method == b"HEAD")

    def _build_id(self) -> bytes:
        """Which build is being served: a build replaces the site whole, its index with it."""
        try:
            stat = (self.root / "index.html").stat()
        except OSError:  # between the two renames of a swap
            return b"swapping"
        return f"{stat.st_ino}-{stat.st_mtime_ns}".encode("ascii")

    def _file(self, path: str) -> Path | None:
        """The site's regular file at ``path`` (a folder's index.html), or None; never anything
        outside the site, whatever links lead there, and never a file asked for as a folder
        (``/site.css/``, ``/index.html/.``)."""
        as_folder = path.endswith("/") or path.endswith("/.")
        try:
            candidate = (self.root / path.lstrip("/")).resolve()
            if candidate.is_dir():
                candidate = candidate / "index.html"
            elif as_folder:
                return None
            if not candidate.is_relative_to(self.root) or not candidate.is_file():
                return None
        except OSError:  # a name longer than the file system takes: no file of the site
            return None
        return candidate


def _site_path(target: str) -> str | None:
    """The path a request names, decoded; None when no file of a site can have it: not UTF-8, a
    NUL or other control character, a backslash, or a ``..`` that climbs."""
    try:
        path = urllib.parse.unquote(target.split("?", 1)[0].split("#", 1)[0], errors="strict")
    except UnicodeDecodeError:
        return None
    if not path.startswith("/") or any(ord(c) < 32 or ord(c) == 127 or c == "\\" for c in path):
        return None
    return None if ".." in path.split("/") else path


def _reply(status: int, body: bytes, kind: str = "text/plain; charset=utf-8", *, head_only: bool = False) -> bytes:
    head = (
        f"HTTP/1.0 {status} {_REASONS[status]}\r\n"
        f"Content-Type: {kind}\r\nContent-Length: {len(body)}\r\n"
        f"Date: {formatdate(usegmt=True)}\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n"
    )
    return head.encode("ascii") + (b"" if head_only else body)
