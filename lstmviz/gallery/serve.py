"""Previewing a built site on localhost."""

from __future__ import annotations

import functools
import http.server
from collections.abc import Callable
from pathlib import Path

from ..errors import SpecError


def serve(
    folder: str | Path, *, port: int = 8000, host: str = "127.0.0.1", ready: Callable[[str], None] | None = None
) -> None:
    """Serve ``folder`` over HTTP until interrupted; ``ready`` is called with the address once listening."""
    folder = Path(folder)
    if not (folder / "index.html").is_file():
        raise SpecError("holds no built site", name=str(folder), fix="run 'lstmviz gallery build -o FOLDER' first")
    handler = functools.partial(_Quiet, directory=str(folder))
    try:
        server = http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as err:
        raise SpecError(f"cannot listen on {host}:{port} ({err.strerror})", name="--port", fix="pick another port")
    with server:
        if ready is not None:
            ready(f"http://{host}:{server.server_address[1]}/")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


class _Quiet(http.server.SimpleHTTPRequestHandler):
    """A file server that does not log every request to the terminal."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".toml": "text/plain; charset=utf-8"}

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass
