"""SIGTERM and SIGHUP as an ordinary exit, so that what is half-written (temporary files, a staging
folder, worker processes) is cleaned up on the way out, as it is for Ctrl-C."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

#: how long a signal that Python swallowed waits before it is sent again (seconds)
RESEND_AFTER = 0.01
#: the signals that end a command as an ordinary exit
ENDING = (signal.SIGTERM, signal.SIGHUP)


class Terminated(SystemExit):
    """The exit that SIGTERM or SIGHUP becomes (status 128 + the signal's number)."""


def exit_on_termination() -> None:
    """In the main thread: raise :class:`Terminated` on SIGTERM and SIGHUP.

    A signal that lands while Python runs a finaliser (a weakref callback, a ``__del__``) raises
    there, where Python only reports the exception and carries on; such a signal is sent again a
    moment later, to land in ordinary code."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in ENDING:
        signal.signal(signum, _stop)
    if not isinstance(sys.unraisablehook, _SendAgain):
        sys.unraisablehook = _SendAgain(sys.unraisablehook)


@contextlib.contextmanager
def held() -> Iterator[None]:
    """SIGTERM and SIGHUP held back while the body starts worker processes: one that arrives
    meanwhile is sent again as the body ends, to be handled in the caller's code, where its cleanup
    is ready, not halfway through starting a process. Workers set their own handlers
    (:func:`worker_start`). Only the main thread can hold them; elsewhere the body runs as it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    before = {signum: signal.signal(signum, lambda signum, frame: caught.append(signum)) for signum in ENDING}
    try:
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)
        if caught:
            signal.raise_signal(caught[0])


def worker_start() -> None:
    """In a worker process: die with the parent (Linux's parent-death signal), and take SIGTERM
    and SIGHUP as the default does (the handlers a fork inherits are the parent's)."""
    import ctypes

    for signum in ENDING:
        signal.signal(signum, signal.SIG_DFL)
    parent = os.getppid()
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (AttributeError, OSError):  # not Linux: the pool's own checks end idle workers
        pass
    if os.getppid() != parent:  # the parent ended before the death signal was asked for
        os._exit(128 + signal.SIGTERM)


def _stop(signum: int, frame: FrameType | None) -> None:
    if _within(frame, _SendAgain.__call__.__code__):  # it would be swallowed again: later
        _send_later(signum)
        return
    raise Terminated(128 + signum)


class _SendAgain:
    """An unraisable-exception hook that sends again the signal of a swallowed :class:`Terminated`
    and hands anything else to the hook that was there before."""

    def __init__(self, report: Any) -> None:
        self.report = report

    def __call__(self, info: Any) -> None:
        if isinstance(info.exc_value, Terminated):
            _send_later(info.exc_value.code - 128)
        else:
            self.report(info)


def _send_later(signum: int) -> None:
    """Send ``signum`` to this process from another thread once the code now running has returned
    (a signal sent from here would be handled here, before returning)."""
    timer = threading.Timer(RESEND_AFTER, os.kill, (os.getpid(), signum))
    timer.daemon = True
    timer.start()


def _within(frame: FrameType | None, code: Any) -> bool:
    """Whether ``code`` runs in ``frame`` or any frame that called it."""
    while frame is not None:
        if frame.f_code is code:
            return True
        frame = frame.f_back
    return False
