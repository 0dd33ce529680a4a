"""The batch runner: sources -> Tasks -> a pool of workers -> the output folder, in input order.

``run_batch(options, sources)`` reads each source in the parent (``plan``), parses it in a worker
(``pool``: in-process, worker processes, or a Dask cluster via ``cluster``), and writes the
Outcomes in input order to the output folder (``output``), committing them in parts with a
journal so that an interrupted run can be resumed. Memory is bounded: at most ``window``
documents are between reading and writing, and a part is at most a few hundred reports.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..pipeline import Options
from ..records import COLUMNS
from ..rows import DEFAULT_FORMATS, FORMATS
from .output import PART_REPORTS, OutputFolder, ResumeError, Settings
from .plan import Ledger, Source, plan
from .pool import InlinePool, Pool, ProcessPool, ordered
from .progress import Progress
from .work import WorkSettings

EXECUTORS = ("local", "dask")


@dataclass(frozen=True, slots=True)
class BatchOptions:
    """Settings of one batch run, validated once."""

    out: Path
    formats: frozenset[str] = DEFAULT_FORMATS
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    timeout: float = 60.0
    max_bytes: int = 100 * 1024 * 1024
    excel: bool = False
    fresh: bool = False
    quiet: bool = False
    executor: str = "local"
    scheduler: str | None = None
    part_size: int = PART_REPORTS  # reports per committed part: a crash loses at most this many
    parse: Options = field(default_factory=Options)

    def __post_init__(self) -> None:
        if not self.formats or not self.formats <= FORMATS:
            raise ValueError(f"formats must be a non-empty subset of {sorted(FORMATS)}")
        if self.jobs < 1 or self.timeout <= 0 or self.max_bytes < 1 or self.part_size < 1:
            raise ValueError("jobs, timeout, max_bytes and part_size must be positive")
        if self.executor not in EXECUTORS or (self.executor == "dask") != bool(self.scheduler):
            raise ValueError("--executor dask needs --scheduler ADDRESS (and only it takes one)")


@dataclass(frozen=True, slots=True)
class Summary:
    """What the output folder holds after the run: report counts by status."""

    ok: int
    partial: int
    failed: int
    earlier: int  # of them, finished by an earlier run into the same folder

    @property
    def total(self) -> int:
        return self.ok + self.partial + self.failed


def make_pool(options: BatchOptions, size: int) -> Pool:
    """Given the options and the number of documents, return the executor to parse them with."""
    settings = work_settings(options)
    if options.executor == "dask":
        from .cluster import DaskPool

        return DaskPool(str(options.scheduler), settings, options.timeout)
    jobs = min(options.jobs, max(size, 1))
    if jobs == 1:
        return InlinePool(settings, options.timeout)
    return ProcessPool(jobs, settings, options.timeout)


def work_settings(options: BatchOptions) -> WorkSettings:
    return WorkSettings(options.parse, options.formats, dict(COLUMNS))


def run_batch(options: BatchOptions, sources: Iterable[Source], *, total: int | None = None,
              say: Callable[[str], None] = print) -> Summary:
    """Parse every source into ``options.out``; resume what the folder's journal records done.

    Raises ResumeError when the folder holds a run with other settings.
    """
    ledger = Ledger()
    folder = OutputFolder(options.out, Settings(tuple(sorted(options.formats)), options.excel), ledger,
                          fresh=options.fresh, part_size=options.part_size)
    progress = Progress(None if total is None else max(total - ledger.total, 0), quiet=options.quiet)
    notes = (lambda message: None) if options.quiet else say
    pool: Pool | None = None
    try:
        pool = make_pool(options, total if total is not None else options.jobs)
        window = max(8, 2 * pool.capacity)
        items = plan(sources, ledger, options.max_bytes, work_settings(options), notes)
        for outcome in ordered(items, pool, window):
            folder.add(outcome)
            ledger.finished(outcome.status)
            progress.add(outcome.status)
    except BaseException:
        # Ctrl-C too: it may land halfway through writing a report, so nothing after the last
        # commit is trusted. The journal's last part stands; a re-run goes on from there.
        folder.abandon()
        raise
    finally:
        progress.close()
        if pool is not None:
            pool.close()
    folder.close()
    c = ledger.counts
    return Summary(c["ok"], c["partial"], c["failed"], ledger.earlier)


__all__ = ["BatchOptions", "ResumeError", "Source", "Summary", "run_batch"]
