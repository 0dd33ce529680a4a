"""Command line for batches and warehouses: ``parse`` (alias ``run``) as a batch runner, and the
``synth``, ``schema`` and ``load`` commands.

    report-parser parse PATH|URL... [--manifest CSV] --out DIR [--jobs N] [--timeout S] [--fresh]
                  [--excel] [--quiet] [--executor dask --scheduler ADDRESS] [--db DB]
    report-parser synth N --out DIR [--seed S] [--formats txt,html] [--jobs N]
    report-parser schema [--out docs/]
    report-parser load DIR [--db duckdb:PATH | postgresql://...]

Exit codes as everywhere: 0 all ok or partial, 1 some failed (or the load failed), 2 usage.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from .batch import EXECUTORS, BatchOptions, ResumeError, Source, run_batch
from .batch.output import PART_REPORTS
from .cli import PROG, _say, iter_inputs
from .pipeline import Options


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a number of workers >= 1, got {text!r}")
    return int(text)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a time limit in seconds > 0, got {text!r}")
    return value


def add_parse_flags(p: argparse.ArgumentParser) -> None:
    """Add the batch flags to ``parse`` and make it run through the batch runner."""
    g = p.add_argument_group("batch")
    g.add_argument("--jobs", type=_jobs, default=os.cpu_count() or 1, metavar="N",
                   help="worker processes (default: the number of cores; 1 parses in this process)")
    g.add_argument("--timeout", type=_seconds, default=60.0, metavar="S", dest="doc_timeout",
                   help="seconds a document may take before it is stopped and recorded as failed "
                        "with code timeout (default: 60)")
    g.add_argument("--part-size", type=_jobs, default=PART_REPORTS, metavar="N",
                   help=f"reports per committed part (default: {PART_REPORTS}); an interruption loses at most these")
    g.add_argument("--fresh", action="store_true", help="start over: forget what an earlier run into DIR did")
    g.add_argument("--excel", action="store_true", help="write the CSV files with a UTF-8 BOM, for Excel")
    g.add_argument("--quiet", action="store_true", help="no progress and no notes on stderr; only the summary")
    g.add_argument("--executor", choices=EXECUTORS, default="local",
                   help="where to parse: local worker processes (default) or a Dask cluster")
    g.add_argument("--scheduler", metavar="ADDRESS", help="the Dask scheduler, e.g. tcp://10.0.0.5:8786")
    g.add_argument("--db", metavar="DB", help="then load DIR into this warehouse (as `report-parser load`)")
    p.set_defaults(run=run_parse)


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``synth``, ``schema`` and ``load`` commands."""
    s = sub.add_parser("synth", help="write synthetic reports with known answers",
                       description="Write N synthetic reports as DIR/raw/<id>.<ext> and their answers as "
                                   "DIR/gold/<id>.json (the corpus gold format).")
    s.add_argument("n", type=int, metavar="N", help="how many reports")
    s.add_argument("--out", required=True, metavar="DIR", help="folder to write raw/ and gold/ in")
    s.add_argument("--seed", type=int, default=0, help="random seed (default: 0); same seed, same corpus")
    s.add_argument("--formats", default="txt,html", metavar="LIST", help="txt, html or both (default: txt,html)")
    s.add_argument("--jobs", type=_jobs, default=os.cpu_count() or 1, metavar="N", help="worker processes")
    s.set_defaults(run=run_synth)
    d = sub.add_parser("schema", help="write the data dictionary and JSON Schema of the output tables",
                       description="Write schema.md and schema.json, generated from the output schemas.")
    d.add_argument("--out", default="docs", metavar="DIR", help="folder to write them in (default: docs)")
    d.set_defaults(run=run_schema)
    ld = sub.add_parser("load", help="load an output folder into DuckDB or PostgreSQL",
                        description="Load the Parquet datasets of DIR into a warehouse; loading again "
                                    "replaces each report (by report_id and parser_version), never duplicates.")
    ld.add_argument("dir", metavar="DIR", help="an output folder of report-parser parse")
    ld.add_argument("--db", metavar="DB", help="duckdb:PATH (default: duckdb:DIR/reports.duckdb) or "
                                                "postgresql://user@host/db")
    ld.set_defaults(run=run_load)


# --- parse ------------------------------------------------------------------------------------

def sources(args: argparse.Namespace, given: Sequence[str]) -> tuple[Iterator[Source], int]:
    """Given the parse command's sources, return an iterator of batch Sources and their count."""
    from .cli_fetch import is_url

    urls = [s for s in given if is_url(s)]
    if not urls:
        local = list(iter_inputs(given))
        return (Source(s, p) for s, p in local), len(local)
    count = sum(1 for s in given if is_url(s)) + sum(1 for _ in iter_inputs([s for s in given if not is_url(s)]))
    return _fetching(args, given), count


def _fetching(args: argparse.Namespace, given: Sequence[str]) -> Iterator[Source]:
    """Given sources with URLs among them, yield Sources in order; URLs fetched concurrently."""
    from .cli_fetch import _fetch_one, is_url, open_fetcher
    from .fetch.client import ordered_map

    with open_fetcher(args, max_bytes=args.max_bytes) as fetcher:
        work = ordered_map(lambda s: _fetch_one(fetcher, s) if is_url(s) else None, given, fetcher.options.workers)
        for source, fetched in zip(given, work, strict=True):
            if fetched is None:
                yield from (Source(path, problem) for path, problem in iter_inputs([source]))
            else:
                yield Source(source, fetched=fetched)


def batch_options(args: argparse.Namespace) -> BatchOptions:
    """Given the parse command's arguments, return its BatchOptions (ValueError when invalid)."""
    return BatchOptions(Path(args.out), args.format, args.jobs, args.doc_timeout, args.max_bytes,
                        excel=args.excel, fresh=args.fresh, quiet=args.quiet, executor=args.executor,
                        scheduler=args.scheduler, part_size=args.part_size,
                        parse=Options(ocr=bool(getattr(args, "ocr", False))))


def run_parse(args: argparse.Namespace) -> int:
    """Parse every input to ``args.out`` as a resumable batch; print a summary; return the exit code."""
    from . import cli_fetch

    try:
        given = cli_fetch.sources(args, args.paths)
        options = batch_options(args)
    except ValueError as exc:
        _say(f"{PROG}: {exc}")
        return 2
    found, total = sources(args, given)
    try:
        summary = run_batch(options, found, total=total, say=lambda m: _say(f"{PROG}: {m}"))
    except ResumeError as exc:
        _say(f"{PROG}: cannot resume {args.out}: {exc}")
        return 2
    except OSError as exc:
        _say(f"{PROG}: writing {args.out} failed: {exc.strerror or exc}")
        return 1
    except KeyboardInterrupt:
        _say(f"{PROG}: interrupted; run the same command again to resume")
        return 130
    if not total:
        _say(f"{PROG}: no input files found in {', '.join(args.paths)}")
    earlier = f" ({summary.earlier} from an earlier run)" if summary.earlier else ""
    _say(f"{summary.total} reports: ok {summary.ok}, partial {summary.partial}, "
         f"failed {summary.failed}{earlier} → {args.out}")
    code = 1 if summary.failed else 0
    if args.db:
        code = max(code, _load(args.out, args.db))
    return code


# --- synth, schema, load ----------------------------------------------------------------------

def run_synth(args: argparse.Namespace) -> int:
    """Write ``args.n`` synthetic reports and their answers; return the exit code."""
    from .synth_corpus import write_corpus

    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    if args.n < 0:
        _say(f"{PROG}: N must be >= 0")
        return 2
    try:
        n = write_corpus(args.out, args.n, seed=args.seed, formats=formats, jobs=args.jobs)
    except ValueError as exc:
        _say(f"{PROG}: {exc}")
        return 2
    _say(f"{n} synthetic reports (seed {args.seed}) → {args.out}/raw, answers in {args.out}/gold")
    return 0


def run_schema(args: argparse.Namespace) -> int:
    """Write the data dictionary and the JSON Schema; return the exit code."""
    from .schema_docs import write_docs

    for path in write_docs(Path(args.out)):
        _say(f"wrote {path}")
    return 0


def run_load(args: argparse.Namespace) -> int:
    """Load an output folder into a warehouse; return the exit code."""
    return _load(args.dir, args.db)


def _load(folder: str, db: str | None) -> int:
    from .load import LoadError, load

    try:
        result = load(Path(folder), db)
    except LoadError as exc:
        _say(f"{PROG}: load failed: {exc}")
        return 1
    _say(f"loaded {result.reports} reports ({result.rows} rows) from {folder} → {result.target}")
    return 0
