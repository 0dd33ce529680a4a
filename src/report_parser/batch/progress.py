"""Progress on stderr: a bar redrawn in place on a terminal, a plain line now and then otherwise."""

from __future__ import annotations

import sys
import time
from collections import Counter
from typing import TextIO

BAR = 24


class Progress:
    """Counts finished reports by status and shows them (``quiet``: shows nothing)."""

    def __init__(self, total: int | None, *, quiet: bool = False, stream: TextIO | None = None,
                 every: float = 10.0) -> None:
        self.total, self.quiet = total, quiet
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.counts: Counter[str] = Counter()
        self._start = self._last = time.monotonic()
        self._every = 0.1 if self.tty else every
        self._drawn = False

    def add(self, status: str) -> None:
        """Count one finished report and, when it is time, show the counts."""
        self.counts[status] += 1
        now = time.monotonic()
        if not self.quiet and now - self._last >= self._every:
            self._last = now
            self._show(now)

    def line(self, now: float | None = None) -> str:
        """Return the counts as one line: done/total, ok, partial, failed, rate."""
        now = now if now is not None else time.monotonic()
        done = sum(self.counts.values())
        rate = done / max(now - self._start, 1e-9)
        of = f"/{self.total}" if self.total is not None else ""
        text = (f"{done}{of} reports  ok {self.counts['ok']}  partial {self.counts['partial']}  "
                f"failed {self.counts['failed']}  {rate:.1f}/s")
        if self.total and rate > 0:
            text += f"  eta {_clock((self.total - done) / rate)}"
        return text

    def _show(self, now: float) -> None:
        text = self.line(now)
        if self.tty:
            done = sum(self.counts.values())
            filled = int(BAR * done / self.total) if self.total else 0
            self.stream.write(f"\r[{'#' * filled}{'.' * (BAR - filled)}] {text}\x1b[K")
            self._drawn = True
        else:
            self.stream.write(f"report-parser: {text}\n")
        self.stream.flush()

    def close(self) -> None:
        """Clear the bar, so the summary line starts on a clean line."""
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._drawn = False


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"
