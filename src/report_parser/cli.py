"""Command line: ``report-parser parse PATH... --out DIR [--format csv,parquet,jsonl]``.

Failures are data: a file that cannot be read or parsed becomes a ``failed`` reports row with a
diagnostics row saying why, and the batch goes on. Exit codes: 0 when every report is ok or
partial, 1 when some failed (or the output could not be written), 2 for usage errors.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from . import __version__
from .model import Diagnostic, Meta, Report
from .pipeline import Options, parse_bytes, report_id_for
from .rows import DEFAULT_FORMATS, FORMATS

PROG = "report-parser"
MAX_BYTES = 100 * 1024 * 1024
_PACKAGE_DIR = Path(__file__).resolve().parent


# --- arguments --------------------------------------------------------------------------------

def _formats(text: str) -> frozenset[str]:
    """Given 'csv,parquet', return the set of formats, or raise argparse's type error."""
    chosen = frozenset(f.strip().lower() for f in text.split(",") if f.strip())
    unknown = sorted(chosen - FORMATS)
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"unknown format {', '.join(unknown) or '(none)'}; choose from {', '.join(sorted(FORMATS))}")
    return chosen


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of bytes, got {text!r}")
    return n


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``report-parser`` and its sub-commands."""
    parser = argparse.ArgumentParser(
        prog=PROG, description="Turn Chinese government OGI annual reports into tidy, checked data.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser(
        "parse", aliases=["run"], help="parse report files into the five output tables",
        description="Parse report files (folders are walked recursively; hidden files skipped) and "
                    "write reports, cells, parts, checks and diagnostics tables to DIR.")
    p.add_argument("paths", nargs="*", metavar="PATH", help="a report file, a folder of them, or an http(s) URL")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (created if needed)")
    p.add_argument("--format", type=_formats, default=DEFAULT_FORMATS, metavar="LIST",
                   help="comma-separated output formats: csv, parquet, jsonl (default: csv,parquet)")
    p.add_argument("--max-bytes", type=_positive, default=MAX_BYTES, metavar="N",
                   help=f"files larger than N bytes become failed rows (default: {MAX_BYTES})")
    p.add_argument("--ocr", action="store_true",
                   help="read scanned PDF pages (images without text) with tesseract; slow, needs "
                        "tesseract-ocr and tesseract-ocr-chi-sim (without it such PDFs fail with needs_ocr)")
    from . import cli_fetch  # URLs for parse, and the fetch and discover commands

    cli_fetch.add_parse_flags(p)
    cli_fetch.register(sub)
    from . import cli_batch  # parse as a resumable parallel batch; synth, schema and load

    cli_batch.add_parse_flags(p)
    cli_batch.register(sub)
    return parser


# --- inputs -----------------------------------------------------------------------------------

def iter_inputs(paths: Sequence[str]) -> Iterator[tuple[str, str | None]]:
    """Given command-line paths, yield (source, problem) per file; folders walked sorted.

    ``problem`` is None for a file to read, else why the path cannot be read (it becomes a
    failed row). Hidden files and folders inside a given folder are skipped, as are sockets,
    other non-regular files and files that are plainly not reports (``NOT_REPORT_SUFFIXES``:
    .json answers, .py scripts, .md notes, .csv data beside the reports).
    """
    for path in paths:
        if os.path.isdir(path):
            yield from _walk(path, set())
        elif os.path.exists(path) or os.path.islink(path):
            yield path, None
        else:
            yield path, "no such file or folder"


# Inside a folder, files that are plainly not reports are left alone — answers, scripts, notes
# and data files kept beside the reports; anything else is parsed (and may become a failed row).
# A file named on the command line is always parsed.
NOT_REPORT_SUFFIXES = frozenset((".json", ".jsonl", ".py", ".pyc", ".md", ".rst", ".csv", ".tsv", ".parquet",
                                 ".yaml", ".yml", ".toml", ".ini", ".cfg", ".js", ".css", ".map", ".sqlite",
                                 ".duckdb", ".db", ".log", ".lock", ".gitignore"))


def _looks_like_report(name: str) -> bool:
    return os.path.splitext(name)[1].lower() not in NOT_REPORT_SUFFIXES and not name.upper().startswith("README")


def _walk(folder: str, seen: set[str]) -> Iterator[tuple[str, str | None]]:
    """Given a folder, yield its files depth-first in name order, guarding symlink loops."""
    real = os.path.realpath(folder)
    if real in seen:
        return
    seen.add(real)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        yield folder, f"cannot list folder: {exc.strerror or exc}"
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        full = os.path.join(folder, entry.name)
        try:
            if entry.is_dir():
                yield from _walk(full, seen)
            elif entry.is_file():
                if _looks_like_report(entry.name):
                    yield full, None
            elif entry.is_symlink():
                yield full, "broken symbolic link"
        except OSError as exc:
            yield full, f"cannot read: {exc.strerror or exc}"


def read_input(path: str, max_bytes: int) -> bytes:
    """Given a path, return its bytes; raise OSError (or ValueError when over ``max_bytes``)."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size > max_bytes:
            raise ValueError(f"file is {size} bytes, over the limit of {max_bytes} (--max-bytes)")
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"input is over the limit of {max_bytes} bytes (--max-bytes)")
    return data


# --- one file -> one Report -------------------------------------------------------------------

def failed_report(source: str, diag: Diagnostic, data: bytes | None = None) -> Report:
    """Given a source, the reason it failed and its bytes if read, return a failed Report.

    Without bytes the report_id is a hash of the source path, so it is still deterministic.
    """
    if data is None:
        rid = hashlib.sha256(b"unread:" + os.fsencode(source)).hexdigest()[:16]
        sha = ""
    else:
        rid, sha = report_id_for(data), hashlib.sha256(data).hexdigest()
    return Report(rid, source, "failed", "unknown", Meta(), diagnostics=(diag,), sha256=sha,
                  media_type="", encoding="")


def origin_of(exc: BaseException) -> tuple[str, str]:
    """Given an exception, return the stage (pipeline module) and file:line it was raised in.

    The stage is the innermost report_parser module other than the cli and the pipeline driver;
    ('parse', '') when the exception did not come through one.
    """
    stage, where = "parse", ""
    for frame, line in traceback.walk_tb(exc.__traceback__):
        path = Path(frame.f_code.co_filename)
        if _PACKAGE_DIR in path.parents:
            rel = path.relative_to(_PACKAGE_DIR)
            where = f"{rel.as_posix()}:{line}"
            name = rel.parts[0].removesuffix(".py")
            if name not in ("cli", "pipeline", "__init__"):
                stage = name
    return stage, where


def parse_file(source: str, problem: str | None, max_bytes: int, options: Options | None = None) -> Report:
    """Given one input from ``iter_inputs``, return its Report; never raises (except interrupts)."""
    if problem is not None:
        return failed_report(source, Diagnostic("read", "error", "unreadable", problem))
    try:
        data = read_input(source, max_bytes)
    except ValueError as exc:
        return failed_report(source, Diagnostic("read", "error", "too_large", str(exc)))
    except OSError as exc:
        message = f"{type(exc).__name__}: {exc.strerror or exc}"
        return failed_report(source, Diagnostic("read", "error", "unreadable", message))
    try:
        report = parse_bytes(data, source, options or Options())
    except Exception as exc:  # one bad file must never stop a batch
        stage, where = origin_of(exc)
        message = f"{type(exc).__name__}: {exc}" + (f" (at {where})" if where else "")
        return failed_report(source, Diagnostic(stage, "error", "internal_error", message), data)
    if report.status == "failed" and not any(d.level == "error" for d in report.diagnostics):
        why = Diagnostic("parse", "error", "failed_without_reason", "the parser gave no reason")
        report = replace(report, diagnostics=(*report.diagnostics, why))
    return report


# --- the command ------------------------------------------------------------------------------

def _say(message: str) -> None:
    """Print one line to stderr, even where the terminal cannot encode it."""
    try:
        print(message, file=sys.stderr)
    except UnicodeEncodeError:
        print(message.replace("→", "->").encode("ascii", "backslashreplace").decode(), file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``report-parser`` with ``argv`` (default: the process arguments); return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version (0) and usage errors (2)
        return exc.code if isinstance(exc.code, int) else 2
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
