"""Keep the native libraries' start-up lines off the terminal.

TensorFlow, XLA and absl write log lines from C++ straight to file descriptor 2 (``oneDNN custom
operations are on``, ``Could not find cuda drivers``, ``failed call to cuInit``, ``remapper failed``,
...). ``TF_CPP_MIN_LOG_LEVEL`` no longer silences all of them (TensorFlow 2.21 logs through absl
before absl reads any setting), so the command line filters the descriptor itself: a pipe replaces
fd 2, and a thread copies every line to the real stderr except the lines in the native log format.
Python's own warnings, tracebacks and kgan's messages pass unchanged. ``kgan --verbose`` skips the
filter. No library offers this (absl's Python logging does not reach the C++ logger), hence the code.
"""

from __future__ import annotations

import atexit
import os
import re
import sys
import threading

__all__ = ["NATIVE_LOG_LINE", "filter_native_logs", "restore"]

NATIVE_LOG_LINE = re.compile(
    rb"^(?:"
    rb"[IWEF]\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ [\w.\-]+:\d+\]"  # absl / glog: I0000 00:00:17.95  2815 port.cc:153]
    rb"|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWEF] "  # TensorFlow's older format
    rb"|WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    rb"|To enable the following instructions: .* rebuild TensorFlow with the appropriate compiler flags\."
    rb")"
)


def filter_native_logs() -> None:
    """Route fd 2 through a filter that drops native log lines, until the process exits.

    Call once, before the native libraries are imported. Undone at exit (and before ``os.exec*``
    by `restore()`), so nothing written to stderr is lost.
    """
    global _state
    if _state is not None:
        return
    sys.stderr.flush()
    original = os.dup(2)
    read_end, write_end = os.pipe()
    os.dup2(write_end, 2)
    os.close(write_end)

    def copy() -> None:
        with os.fdopen(read_end, "rb", buffering=0) as source:
            pending = b""
            while True:
                chunk = source.read(65536)
                if not chunk:
                    break
                pending += chunk
                *lines, pending = pending.split(b"\n")
                kept = [line + b"\n" for line in lines if not NATIVE_LOG_LINE.match(line)]
                if kept:
                    os.write(original, b"".join(kept))
            if pending and not NATIVE_LOG_LINE.match(pending):
                os.write(original, pending)

    thread = threading.Thread(target=copy, name="kgan-stderr-filter", daemon=True)
    thread.start()
    _state = (original, thread)
    atexit.register(restore)


def restore() -> None:
    """Put the real stderr back on fd 2 and let the filter write what it still holds."""
    global _state
    if _state is None:
        return
    original, thread = _state
    _state = None
    try:
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os.dup2(original, 2)  # closes the pipe's last write end: the thread reads to the end and stops
    thread.join(timeout=5)
    os.close(original)


_state: tuple[int, threading.Thread] | None = None
