"""The preview server, as a stranger's browser or script would meet it: real sockets on loopback."""

import concurrent.futures
import socket
import threading
import time
from pathlib import Path

import pytest

from lstmviz.gallery.serve import BACKLOG, make_server


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    (root / "lstm").mkdir(parents=True)
    (root / "empty").mkdir()
    (root / "index.html").write_text("<!doctype html><title>gallery</title>")
    (root / "lstm" / "lstm.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (tmp_path / "secret.txt").write_text("not for the web")
    return root


@pytest.fixture
def server(site):
    srv = make_server(site, port=0, timeout=0.5)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(10)


def request(server, raw: bytes, timeout: float = 10.0) -> bytes:
    """Send bytes as they are (a browser would refuse some of these requests) and read the reply."""
    with socket.create_connection(server.server_address[:2], timeout=timeout) as sock:
        sock.sendall(raw)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def status(reply: bytes) -> int:
    return int(reply.split(b" ", 2)[1])


def get(server, path: str) -> bytes:
    return request(server, f"GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n".encode("latin-1"))


def test_files_of_the_site_are_served(server):
    assert status(get(server, "/")) == 200
    reply = get(server, "/lstm/lstm.svg")
    assert status(reply) == 200 and reply.endswith(b"<svg xmlns='http://www.w3.org/2000/svg'/>")


@pytest.mark.parametrize(
    "path",
    [
        "/index.html%00.svg",
        "/%00",
        "/lstm/%ff.svg",
        "/..%2fsecret.txt",
        "/../secret.txt",
        "/lstm%5c..%5c..%5csecret.txt",
    ],
)
def test_a_path_no_file_can_have_is_a_bad_request_and_prints_nothing(server, path, capfd):
    reply = get(server, path)
    assert status(reply) == 400 and b"not for the web" not in reply
    assert capfd.readouterr().err == ""


def test_a_raw_null_byte_in_the_request_line_is_refused_without_a_traceback(server, capfd):
    assert status(request(server, b"GET /a\x00b HTTP/1.0\r\n\r\n")) == 400
    assert "Traceback" not in capfd.readouterr().err


def test_an_over_long_request_target_is_414_and_the_server_goes_on(server, capfd):
    for path in ("/" + "a" * 5000, "/lstm/" + "b" * 300 + ".svg?" + "q" * 4000):
        assert status(get(server, path)) == 414
    assert status(get(server, "/" + "c" * 300)) == 404  # a name too long for the file system: no such file
    assert status(get(server, "/lstm/lstm.svg")) == 200
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize("path", ["/index.html/", "/index.html/.", "/lstm/lstm.svg/", "/lstm/lstm.svg/."])
def test_a_file_asked_for_as_a_folder_is_not_found(server, path):
    assert status(get(server, path)) == 404
    assert status(get(server, path.rstrip("/."))) == 200


def test_folders_are_never_listed(server):
    for path in ("/empty/", "/lstm/"):
        reply = get(server, path)
        assert status(reply) == 404 and b"lstm.svg" not in reply


def test_idle_connections_are_closed_and_do_not_stop_others(server):
    idle = [socket.create_connection(server.server_address[:2], timeout=10) for _ in range(50)]
    try:
        assert status(get(server, "/")) == 200  # served while 50 connections say nothing
        started = time.monotonic()
        assert all(status(sock.recv(4096)) == 408 for sock in idle)  # each timed out by the server
        assert time.monotonic() - started < 5
    finally:
        for sock in idle:
            sock.close()


def test_only_get_and_head_and_only_http(server):
    assert status(request(server, b"POST / HTTP/1.0\r\n\r\n")) == 405
    assert status(request(server, b"GET /\r\n\r\n")) == 400
    head = request(server, b"HEAD /lstm/lstm.svg HTTP/1.0\r\n\r\n")
    assert status(head) == 200 and head.endswith(b"\r\n\r\n") and b"Content-Type: image/svg+xml" in head


def test_an_endless_request_head_is_refused(server):
    assert status(request(server, b"GET / HTTP/1.0\r\nX: " + b"a" * 100_000 + b"\r\n\r\n")) == 400


def test_a_link_out_of_the_site_is_not_followed(server, site):
    (site / "out.txt").symlink_to(site.parent / "secret.txt")
    reply = get(server, "/out.txt")
    assert status(reply) == 404 and b"not for the web" not in reply


def listen_drops() -> int:
    """Connections the kernel turned away because a listen queue was full (Linux's TcpExt
    ListenOverflows and ListenDrops, every socket of the machine)."""
    lines = Path("/proc/net/netstat").read_text().splitlines()
    for names, values in zip(lines[::2], lines[1::2]):
        if names.startswith("TcpExt:"):
            counts = dict(zip(names.split()[1:], map(int, values.split()[1:])))
            return counts["ListenOverflows"] + counts["ListenDrops"]
    raise AssertionError("no TcpExt counters in /proc/net/netstat")


def test_five_hundred_requests_at_once_are_all_answered_without_a_retry(server):
    """A deep listen queue: none of 500 simultaneous connections is dropped, so none waits for
    TCP's one-second SYN retry (a queue of 5 or 100 makes hundreds wait). The kernel counts the
    drops; how fast the requests are answered is measured in benchmarks/bench_serve.py, not here
    (a busy machine may take a second for 500 without dropping one)."""
    assert server.request_queue_size == BACKLOG >= 500
    barrier = threading.Barrier(500)

    def one(_: int) -> int:
        barrier.wait()
        return status(get(server, "/lstm/lstm.svg"))

    dropped = listen_drops()
    with concurrent.futures.ThreadPoolExecutor(500) as pool:
        answers = list(pool.map(one, range(500)))
    assert answers == [200] * 500
    assert listen_drops() == dropped, "the listen queue overflowed: connections waited for a SYN retry"


def test_only_a_live_server_tells_its_build_and_adds_the_reload_script(site):
    (site / "page.html").write_text("<!doctype html><body><p>hi</p></body>")
    for live in (False, True):
        srv = make_server(site, port=0, live=live)
        thread = threading.Thread(target=srv.serve_forever, daemon=True)
        thread.start()
        try:
            build = get(srv, "/__lstmviz/build")
            page = get(srv, "/page.html")
            if not live:
                assert status(build) == 404 and b"<script>" not in page
                continue
            assert status(build) == 200 and page.count(b"<script>") == 1
            assert page.index(b"<script>") < page.index(b"</body>")  # inside the body, at its end
            first = build.split(b"\r\n\r\n", 1)[1]
            time.sleep(0.01)
            (site / "new.html").write_text("<!doctype html><title>rebuilt</title>")
            (site / "new.html").replace(site / "index.html")  # a rebuild replaces the site, its index with it
            assert get(srv, "/__lstmviz/build").split(b"\r\n\r\n", 1)[1] != first
            assert get(srv, "/lstm/lstm.svg").count(b"<script>") == 0  # figures are left as they are
        finally:
            srv.shutdown()
            srv.server_close()
            thread.join(10)
