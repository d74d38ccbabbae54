"""SIGTERM and SIGHUP as an ordinary exit, so that what is half-written (temporary files, a staging
folder, worker processes) is cleaned up on the way out, as it is for Ctrl-C."""

from __future__ import annotations

import os
import signal
import sys
import threading
from types import FrameType
from typing import Any

#: how long a signal that Python swallowed waits before it is sent again (seconds)
RESEND_AFTER = 0.01


class Terminated(SystemExit):
    """The exit that SIGTERM or SIGHUP becomes (status 128 + the signal's number)."""


def exit_on_termination() -> None:
    """In the main thread: raise :class:`Terminated` on SIGTERM and SIGHUP.

    A signal that lands while Python runs a finaliser (a weakref callback, a ``__del__``) raises
    there, where Python only reports the exception and carries on; such a signal is sent again a
    moment later, to land in ordinary code."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop)
    if not isinstance(sys.unraisablehook, _SendAgain):
        sys.unraisablehook = _SendAgain(sys.unraisablehook)


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
