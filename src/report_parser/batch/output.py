"""The output folder of a batch: streamed, committed in parts, and resumable after any crash.

    DIR/reports.csv, cells.csv, …           one file per table for humans (``--excel``: UTF-8 BOM)
    DIR/reports.jsonl, …                    JSON Lines (with ``--format jsonl``)
    DIR/cells/year=2021/part-00003.parquet  Parquet datasets partitioned by year, hive style
    DIR/.report-parser/journal.jsonl        what is done: one line per committed part

Rows are appended to the CSV and JSON Lines files as reports arrive (in input order); their CSV
text (made by the workers) is buffered for Parquet and read into Arrow at each commit by pyarrow's
C++ CSV reader (``records.from_csv``), so the parent never handles rows as Python objects. Every
few hundred reports the buffer is committed: each Parquet file is written under a temporary
name and renamed into place, the text files are flushed, and only then a
journal line records the part — its Parquet files, the size of every text file, and the key
(sha256), source, id and status of each report in it. After an interruption, even ``kill -9``,
the folder is brought back to its last committed state (text files cut to their recorded size,
Parquet files of an unrecorded part removed) and the run goes on from there. Parts are cut by
report and row counts, never by time, so an uninterrupted run always writes the same files.

Reports with no known year go to ``year=unknown``: pandas (pyarrow), DuckDB and Spark all read
that as it is, where ``__HIVE_DEFAULT_PARTITION__`` makes pandas fail ("Cannot yet unify
dictionaries with nulls"). The partition key is therefore read back as text; the ``year`` column
is kept out of the ``reports`` files, as hive readers expect.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .. import __version__
from ..records import COLUMNS, TABLES, from_csv
from .plan import Ledger
from .work import Outcome

STATE = ".report-parser"
JOURNAL = "journal.jsonl"
JOURNAL_VERSION = 1
UNKNOWN_YEAR = "unknown"
PART_REPORTS, PART_ROWS, PART_BYTES = 250, 200_000, 32 * 1024 * 1024


def arrow_without_pandas() -> None:
    """Keep pandas (about 45 MB) out of a batch's parent process.

    pyarrow imports pandas the first time it converts a Python value (a list, or a scalar given
    to a compute function), only to ask whether it is a pandas object. Here its first checks find
    no pandas, so it does not import it; anything that really needs pandas later (``to_pandas``)
    makes pyarrow try again, and that works.
    """
    if "pandas" in sys.modules:
        return
    sys.meta_path.insert(0, _NoPandas())
    try:
        pc.equal(pa.array([], pa.string()), "")
    finally:
        sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _NoPandas)]


class _NoPandas:
    """An import hook that refuses pandas (in place only for the call above)."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("pandas is not imported by the batch parent")


class ResumeError(Exception):
    """The folder holds another run (other formats or parser version), or was changed under us."""


@dataclass(frozen=True, slots=True)
class Settings:
    """What must match for a run to continue the folder's journal."""

    formats: tuple[str, ...]
    excel: bool = False
    parser_version: str = __version__

    def header(self) -> dict[str, Any]:
        return {"journal": JOURNAL_VERSION, "parser_version": self.parser_version,
                "formats": list(self.formats), "excel": self.excel}


@dataclass(frozen=True, slots=True)
class Committed:
    """The folder's last committed state, as the journal tells it."""

    parts: int  # the number of the next part
    sizes: dict[str, int]  # text file name -> size in bytes
    parquet: frozenset[str]  # parquet files (relative paths) of committed parts
    journal_size: int  # bytes of the journal up to its last whole line


def year_label(year: int | None) -> str:
    """Given a report's year, return its partition value."""
    return UNKNOWN_YEAR if year is None else str(year)


def read_journal(path: Path, settings: Settings, ledger: Ledger) -> Committed | None:
    """Given the journal's path, fill the ledger with finished reports; return the committed
    state, or None when there is no usable journal. Raise ResumeError if the settings differ."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    lines, size = [], 0
    for raw in data.splitlines(keepends=True):
        if not raw.endswith(b"\n"):
            break  # a line cut short by the interruption: its part was never committed
        try:
            lines.append(json.loads(raw))
        except ValueError:
            break
        size += len(raw)
    if not lines:
        return None
    if lines[0] != settings.header():
        raise ResumeError(f"it holds a run with other settings ({_describe(lines[0])}); run the same "
                          f"command to resume, or add --fresh to start over")
    parquet: set[str] = set()
    parts, sizes = 0, {}
    for entry in lines[1:]:
        parquet.update(entry["parquet"])
        for key, source, _rid, status in entry["reports"]:
            ledger.claim(key, source)
            ledger.finished(status, earlier=True)
        parts, sizes = entry["part"] + 1, entry["files"]
    return Committed(parts, sizes, frozenset(parquet), size)


def _describe(header: dict[str, Any]) -> str:
    return (f"formats {','.join(header.get('formats', []))}, parser {header.get('parser_version')}"
            + (", --excel" if header.get("excel") else ""))


class _TextSink:
    """Appends one table's CSV or JSON Lines text (UTF-8, formatted by the workers) to its file."""

    def __init__(self, path: Path, table: str, fmt: str, excel: bool, size: int | None) -> None:
        self.name = path.name
        if size is None:  # a new file: header first
            self._file = open(path, "wb")
            if fmt == "csv":
                self._file.write((("\ufeff" if excel else "") + ",".join(COLUMNS[table]) + "\n").encode("utf-8"))
        else:
            _cut(path, size)
            self._file = open(path, "ab")

    def write(self, text: bytes) -> None:
        self._file.write(text)

    def size(self) -> int:
        self._file.flush()
        return os.fstat(self._file.fileno()).st_size

    def close(self) -> None:
        self._file.close()


def _cut(path: Path, size: int) -> None:
    """Given a text file and its committed size, cut off whatever was written after the commit."""
    try:
        actual = path.stat().st_size
    except FileNotFoundError:
        actual = -1
    if actual < size:
        raise ResumeError(f"{path.name} is shorter than the journal records; add --fresh to start over")
    with open(path, "r+b") as f:
        f.truncate(size)


class OutputFolder:
    """Writes Outcomes to ``DIR`` in committed parts; ``open`` resumes what the journal records."""

    def __init__(self, out: str | Path, settings: Settings, ledger: Ledger, *, fresh: bool = False,
                 part_size: int = PART_REPORTS) -> None:
        self.out, self.settings, self.ledger, self.part_size = Path(out), settings, ledger, part_size
        arrow_without_pandas()
        self._journal_path = self.out / STATE / JOURNAL
        if fresh:
            self._clear()
        self.out.mkdir(parents=True, exist_ok=True)
        committed = read_journal(self._journal_path, settings, ledger)
        self._part = committed.parts if committed else 0
        self._open_text(committed)
        self._open_parquet(committed)
        self._open_journal(committed)
        self._reset_buffer()

    # --- opening ------------------------------------------------------------------------------

    def _clear(self) -> None:
        """Remove what a run writes (and nothing else) so the run starts over."""
        shutil.rmtree(self.out / STATE, ignore_errors=True)
        for table in TABLES:
            for fmt in ("csv", "jsonl", "parquet"):
                (self.out / f"{table}.{fmt}").unlink(missing_ok=True)
            for part in (self.out / table).glob("year=*/part-*.parquet*"):
                part.unlink()

    def _open_text(self, committed: Committed | None) -> None:
        self._text: list[tuple[str, _TextSink]] = []
        for fmt in ("csv", "jsonl"):
            if fmt not in self.settings.formats:
                continue
            for table in TABLES:
                name = f"{table}.{fmt}"
                size = committed.sizes.get(name) if committed else None
                self._text.append((name, _TextSink(self.out / name, table, fmt, self.settings.excel, size)))

    def _open_parquet(self, committed: Committed | None) -> None:
        """Create the dataset folders; remove Parquet files of parts that were never committed."""
        self._parquet = "parquet" in self.settings.formats
        keep = committed.parquet if committed else frozenset()
        for table in TABLES:
            for part in (self.out / table).glob("year=*/part-*.parquet*"):
                if part.relative_to(self.out).as_posix() not in keep:
                    part.unlink()
            if self._parquet:
                (self.out / table).mkdir(exist_ok=True)

    def _open_journal(self, committed: Committed | None) -> None:
        self._journal_path.parent.mkdir(exist_ok=True)
        if committed is None:
            self._journal = open(self._journal_path, "w", encoding="utf-8", newline="\n")
            self._journal.write(json.dumps(self.settings.header()) + "\n")
        else:
            with open(self._journal_path, "r+b") as f:
                f.truncate(committed.journal_size)
            self._journal = open(self._journal_path, "a", encoding="utf-8", newline="\n")
        self._journal.flush()

    # --- writing ------------------------------------------------------------------------------

    def _reset_buffer(self) -> None:
        self._csv: dict[tuple[str, str], list[bytes]] = {}  # (year, table) -> CSV text for Parquet
        self._expect: dict[tuple[str, str], int] = {}  # (year, table) -> rows in that text
        self._done: list[tuple[str, str, str, str]] = []
        self._rows = self._bytes = 0

    def add(self, outcome: Outcome) -> None:
        """Write one finished report (text files now, Parquet at the next commit)."""
        for name, sink in self._text:
            sink.write(outcome.text[name])
        self._done.append((outcome.key, outcome.source, outcome.report_id, outcome.status))
        if self._parquet:
            label = year_label(outcome.year)
            for table, n in outcome.rows.items():
                if n:
                    text = outcome.text[f"{table}.csv"]
                    self._csv.setdefault((label, table), []).append(text)
                    self._expect[label, table] = self._expect.get((label, table), 0) + n
                    self._rows += n
                    self._bytes += len(text)
        if len(self._done) >= self.part_size or self._rows >= PART_ROWS or self._bytes >= PART_BYTES:
            self.commit()

    def commit(self) -> None:
        """Write the buffered part: Parquet files (renamed into place), text files, journal line."""
        if not self._done:
            return
        written = self._write_parquet()
        sizes = {name: sink.size() for name, sink in self._text}
        entry = {"part": self._part, "files": sizes, "parquet": written, "reports": self._done}
        self._journal.write(json.dumps(entry) + "\n")
        self._journal.flush()
        self._part += 1
        self._reset_buffer()

    def _write_parquet(self) -> list[str]:
        """Write each (year, table) of the part to its file under a temporary name, then rename it.

        Each file's rows are read into Arrow from their CSV text just before it is written, so
        only one file's Arrow table is in memory at a time.
        """
        written = []
        for label, table in sorted(self._csv, key=lambda k: (k[0], TABLES.index(k[1]))):
            pieces = self._csv[label, table]  # one per report: no row is longer than the longest
            data = from_csv(table, b"".join(pieces), row_bytes=max(map(len, pieces)))
            if data.num_rows != self._expect[label, table]:
                raise RuntimeError(f"{table}: {data.num_rows} rows read back, {self._expect[label, table]} written")
            rel = f"{table}/year={label}/part-{self._part:05d}.parquet"
            path = self.out / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(data.drop_columns(["year"]) if table == "reports" else data, f"{path}.tmp",
                           compression="zstd")
            os.replace(f"{path}.tmp", path)
            written.append(rel)
        return written

    def close(self) -> None:
        """Commit what is buffered and close every file."""
        try:
            self.commit()
        finally:
            for _, sink in self._text:
                sink.close()
            self._journal.close()

    def abandon(self) -> None:
        """Close the files without committing (an interrupted run resumes from the last commit)."""
        for _, sink in self._text:
            sink.close()
        self._journal.close()


__all__ = ["UNKNOWN_YEAR", "OutputFolder", "ResumeError", "Settings", "year_label"]
