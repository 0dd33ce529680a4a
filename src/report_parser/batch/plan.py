"""The parent side of a batch: sources -> Tasks for the workers, in input order.

Each source is read (or was fetched) here, in the parent, and keyed by the SHA-256 of its bytes.
A key already in the ledger is skipped: the same source finished by an earlier, interrupted run
(resume), or the same bytes under another name (one report, written once). What cannot be read
becomes its failed Outcome right here, without a worker.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..cli import failed_report, read_input
from ..model import Diagnostic
from .work import Outcome, Task, WorkSettings, key_of, outcome_of

if TYPE_CHECKING:
    from ..fetch import FetchResult


@dataclass(frozen=True, slots=True)
class Source:
    """One input: a local file (with why it cannot be read, if so), or a URL and its fetch result."""

    source: str
    problem: str | None = None
    fetched: FetchResult | None = None


class Ledger:
    """What the output folder holds: source per key, and report counts by status."""

    def __init__(self) -> None:
        self._sources: dict[str, str] = {}
        self.counts: Counter[str] = Counter()
        self.earlier = 0  # reports finished by an earlier run into the same folder

    def source_of(self, key: str) -> str | None:
        """Given a key, return the source it was first seen under, or None when it is new."""
        return self._sources.get(key)

    def claim(self, key: str, source: str) -> None:
        """Record that ``key`` is being written, under ``source``."""
        self._sources[key] = source

    def finished(self, status: str, *, earlier: bool = False) -> None:
        """Count one report written (by this run, or by an earlier one when ``earlier``)."""
        self.counts[status] += 1
        self.earlier += earlier

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def plan(sources: Iterable[Source], ledger: Ledger, max_bytes: int, settings: WorkSettings,
         say: Callable[[str], None]) -> Iterator[Task | Outcome]:
    """Given sources in input order, yield a Task per document to parse (or its Outcome when
    there is nothing to parse), numbered in order; skip what the ledger already holds."""
    seq = 0
    for src in sources:
        data, item = _read(src, seq, max_bytes, settings)
        key = key_of(src.source, data)
        first = ledger.source_of(key)
        if first is not None:
            if first != src.source:
                say(f"{src.source} has the same content as {first}; written once")
            continue
        ledger.claim(key, src.source)
        yield item
        seq += 1


def _read(src: Source, seq: int, max_bytes: int, settings: WorkSettings) -> tuple[bytes | None, Task | Outcome]:
    """Given a source, return its bytes (None if unread) and its Task, or its failed Outcome."""
    if src.fetched is not None:
        from ..fetch import FetchFailure

        f = src.fetched
        if isinstance(f, FetchFailure):
            report = replace(failed_report(src.source, f.diagnostic()), url=src.source,
                             final_url=f.final_url, http_status=f.http_status)
            return None, outcome_of(seq, key_of(src.source, None), report, settings)
        return f.body, Task(seq, src.source, f.body, f.info, f.media_type)
    if src.problem is not None:
        diag = Diagnostic("read", "error", "unreadable", src.problem)
        return None, outcome_of(seq, key_of(src.source, None), failed_report(src.source, diag), settings)
    try:
        data = read_input(src.source, max_bytes)
    except ValueError as exc:
        diag = Diagnostic("read", "error", "too_large", str(exc))
    except OSError as exc:
        diag = Diagnostic("read", "error", "unreadable", f"{type(exc).__name__}: {exc.strerror or exc}")
    else:
        return data, Task(seq, src.source, data)
    return None, outcome_of(seq, key_of(src.source, None), failed_report(src.source, diag), settings)

