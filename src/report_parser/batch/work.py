"""The worker side of a batch: one Task (a source's bytes) -> one Outcome (its rows).

Workers import only this module, the pipeline and ``rows`` (no pyarrow, no httpx), so each
stays small. They also format the CSV and JSON Lines text, so the parent only appends it (and
reads Parquet from the CSV in C++): the parent's time per report is what limits the speed-up of
more workers.
``run_task`` never raises for a bad document: an unexpected error becomes a ``failed`` report
with an ``internal_error`` diagnostic, as in a single-process run.

Test-only hook: when the environment variable ``REPORT_PARSER_TEST_HANG`` is set, a source whose
path contains its value sleeps for an hour before parsing, so tests can exercise ``--timeout``
on a real hung worker. It is read in the worker and has no other effect.
"""

from __future__ import annotations

import os
import queue
import signal
import sys
import threading
import time
from dataclasses import dataclass, replace

from ..cli import failed_report, origin_of
from ..model import Diagnostic, FetchInfo, Report
from ..pipeline import Options, parse_bytes
from ..rows import csv_text, jsonl_text, rows_of

HANG_ENV = "REPORT_PARSER_TEST_HANG"


@dataclass(frozen=True, slots=True)
class Task:
    """One document to parse: its place in the input order, its name, bytes and fetch provenance."""

    seq: int
    source: str
    data: bytes
    fetched: FetchInfo | None = None
    media_type: str = ""  # sniffed by the fetcher, kept on a failed row


@dataclass(frozen=True, slots=True)
class WorkSettings:
    """What a worker needs besides the Task: parse options, output formats, the tables' columns."""

    options: Options
    formats: frozenset[str]
    columns: dict[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Outcome:
    """One finished document: its rows as text for the output files, and what the run must know."""

    seq: int
    source: str
    key: str  # sha256 of the bytes, or ``unread:<source>`` when there were none
    report_id: str
    status: str
    year: int | None
    text: dict[str, bytes]  # by file name (``cells.csv``): the UTF-8 lines to append
    rows: dict[str, int]  # by table: how many rows its text holds


def key_of(source: str, data: bytes | None) -> str:
    """Given a source and its bytes (None if unread), return its key in the run's ledger."""
    if data is None:
        return "unread:" + source
    import hashlib

    return hashlib.sha256(data).hexdigest()


def outcome_of(seq: int, key: str, report: Report, settings: WorkSettings) -> Outcome:
    """Given a finished Report, return its Outcome: rows and their text built here, in the worker.

    The CSV text is made whenever CSV or Parquet is written: the parent builds Parquet from it
    with pyarrow's C++ reader (``records.from_csv``) rather than from pickled Python rows.
    """
    rows = rows_of(report)
    text = {}
    for table, columns in settings.columns.items():
        if settings.formats & {"csv", "parquet"}:
            text[f"{table}.csv"] = csv_text(rows[table]).encode("utf-8")
        if "jsonl" in settings.formats:
            text[f"{table}.jsonl"] = jsonl_text(columns, rows[table]).encode("utf-8")
    year = report.meta.year if isinstance(report.meta.year, int) else None
    return Outcome(seq, report.source, key, report.report_id, report.status, year, text,
                   {table: len(r) for table, r in rows.items()})


def run_task(task: Task, settings: WorkSettings) -> Outcome:
    """Given a Task, parse it and return its Outcome; never raises for a bad document."""
    hang = os.environ.get(HANG_ENV)
    if hang and hang in task.source:
        time.sleep(3600)
    try:
        report = parse_bytes(task.data, task.source, settings.options, fetched=task.fetched)
    except Exception as exc:  # one bad document must never stop a batch
        stage, where = origin_of(exc)
        message = f"{type(exc).__name__}: {exc}" + (f" (at {where})" if where else "")
        report = failed(task, Diagnostic(stage, "error", "internal_error", message))
    if report.status == "failed" and not any(d.level == "error" for d in report.diagnostics):
        why = Diagnostic("parse", "error", "failed_without_reason", "the parser gave no reason")
        report = replace(report, diagnostics=(*report.diagnostics, why))
    return outcome_of(task.seq, key_of(task.source, task.data), report, settings)


def failed(task: Task, diag: Diagnostic) -> Report:
    """Given a Task and why it failed, return its failed Report (with fetch provenance, if any)."""
    report = failed_report(task.source, diag, task.data)
    i = task.fetched
    if i is None:
        return report
    return replace(report, url=i.url, final_url=i.final_url, http_status=i.http_status,
                   fetched_at=i.fetched_at, landing_url=i.landing_url, media_type=task.media_type)


def stopped(task: Task, code: str, message: str, settings: WorkSettings) -> Outcome:
    """Given a Task whose worker was stopped (timeout) or died, return its failed Outcome."""
    report = failed(task, Diagnostic("parse", "error", code, message))
    return outcome_of(task.seq, key_of(task.source, task.data), report, settings)


def worker_main(conn: object, settings: WorkSettings) -> None:
    """Serve Tasks from a pipe until it sends None or closes (the body of a worker process).

    Outcomes go back from a sender thread: while the parent is busy (writing a part), a full
    pipe holds up the sending, not the parsing of the documents already queued here.
    """
    from multiprocessing.connection import Connection

    assert isinstance(conn, Connection)
    _die_with_parent()
    outbox: queue.SimpleQueue[Outcome | None] = queue.SimpleQueue()
    sender = threading.Thread(target=_send_all, args=(conn, outbox), daemon=True, name="report-parser-sender")
    sender.start()
    try:
        while True:
            try:
                task = conn.recv()
            except (EOFError, OSError):
                return
            if task is None:
                return
            outbox.put(run_task(task, settings))
    finally:
        outbox.put(None)
        sender.join()


def _send_all(conn: object, outbox: queue.SimpleQueue[Outcome | None]) -> None:
    """Send Outcomes down the pipe until None, or until the parent is gone."""
    from multiprocessing.connection import Connection

    assert isinstance(conn, Connection)
    while (outcome := outbox.get()) is not None:
        try:
            conn.send(outcome)
        except OSError:
            return


def _die_with_parent() -> None:
    """On Linux, have the kernel kill this worker when its parent, the command, dies.

    So a ``kill -9`` of the command also ends a worker stuck on a document, instead of leaving it
    running until the document is done.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
