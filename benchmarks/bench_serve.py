"""The gallery's preview server under 500 simultaneous requests, beside Python's own
``python -m http.server`` (a threading server with socketserver's backlog of 5, which is what
``gallery serve`` was before), in one run.

    python benchmarks/bench_serve.py [--clients 500] [--rounds 5]

Each server runs as its own process, as a user starts it. Each round opens ``--clients``
connections at once from one asyncio client and times every request from connect to the last
byte of a 12 kB SVG. Prints the p50, p99 and slowest latency of each server and the count of
requests not answered within 10 s; the figures in benchmarks/README.md come from it. The target
(issue "Safe with specs ... from strangers"): p99 under 200 ms for 500 concurrent requests.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import lstmviz

#: A request not answered within this many seconds counts as failed.
GIVE_UP = 10.0


async def _one(port: int, start: asyncio.Event) -> float:
    await start.wait()
    began = time.perf_counter()
    try:
        async with asyncio.timeout(GIVE_UP):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"GET /lstm.svg HTTP/1.0\r\nHost: localhost\r\n\r\n")
            await reader.read()
            writer.close()
    except (OSError, TimeoutError):  # refused, reset or not answered in time
        return float("inf")
    return time.perf_counter() - began


async def _round(port: int, clients: int) -> list[float]:
    start = asyncio.Event()
    tasks = [asyncio.create_task(_one(port, start)) for _ in range(clients)]
    await asyncio.sleep(0.05)
    start.set()
    return list(await asyncio.gather(*tasks))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_listening(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"no server on port {port}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "index.html").write_text("<!doctype html>")
        lstmviz.render("lstm", folder / "lstm.svg")
        lstmviz_bin = str(Path(sys.executable).with_name("lstmviz"))
        servers = {
            "lstmviz gallery serve": [lstmviz_bin, "gallery", "serve", "-d", tmp, "--port"],
            "python -m http.server": [sys.executable, "-m", "http.server", "-b", "127.0.0.1", "-d", tmp],
        }
        for name, cmd in servers.items():
            port = _free_port()
            proc = subprocess.Popen([*cmd, str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                _wait_listening(port)
                times = sorted(t for _ in range(args.rounds) for t in asyncio.run(_round(port, args.clients)))
            finally:
                proc.terminate()
                proc.wait(10)
            answered = [t for t in times if t != float("inf")]
            results[name] = (
                statistics.median(times),
                times[int(0.99 * (len(times) - 1))],
                max(answered),
                len(times) - len(answered),
            )
    print(f"{args.clients} concurrent requests x {args.rounds} rounds on 127.0.0.1 (failed: no answer in 10 s)\n")
    print("| server | p50 | p99 | slowest answered | failed |")
    print("|---|---|---|---|---|")
    for name, (p50, p99, slowest, failed) in results.items():
        print(f"| {name} | {p50 * 1e3:.1f} ms | {p99 * 1e3:.1f} ms | {slowest * 1e3:.0f} ms | {failed} |")


if __name__ == "__main__":
    main()
