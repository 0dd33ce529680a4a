"""Command line for the web: ``report-parser fetch`` and ``discover``, and URLs for ``parse``.

    report-parser discover LIST_URL --out manifest.csv [--years 2019-2024] [--max-pages N]
    report-parser fetch URL... | --manifest CSV --out DIR [--cache DIR]
    report-parser parse PATH|URL... [--manifest CSV] --out DIR [--cache DIR]

Every URL is fetched through the on-disk cache (``--cache``, default ``.report-parser-cache``
in the folder that holds ``--out``), so a re-run, or ``--offline``, replays the same bytes.
Politeness flags are shared: ``--delay``, ``--concurrency``, ``--timeout``, ``--retries``,
``--backoff``, ``--no-robots`` (only for sites you run yourself) and ``--offline``.
"""

from __future__ import annotations

import argparse
import csv
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import httpx

from .cli import PROG, _say, failed_report, origin_of
from .fetch import Cache, Fetched, Fetcher, FetchFailure, FetchOptions, FetchResult, fetch_report
from .fetch.client import ordered_map
from .fetch.discover import discover, parse_years, read_manifest, write_manifest
from .model import Diagnostic, Report
from .pipeline import Options, parse_bytes

CACHE_NAME = ".report-parser-cache"
LOG_COLUMNS = ("url", "final_url", "landing_url", "http_status", "media_type", "sha256", "fetched_at",
               "error", "message")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(source: str) -> bool:
    """Given a command-line source, tell whether it is a URL (anything with ``scheme://``)."""
    return bool(_URL.match(source))


def default_cache(out: str) -> Path:
    """Given the ``--out`` path, return the default cache folder: beside it, ``.report-parser-cache``."""
    return Path(out).absolute().parent / CACHE_NAME


# --- arguments --------------------------------------------------------------------------------

def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of seconds >= 0, got {text!r}")
    return value


def _timeout(text: str) -> float:
    value = _seconds(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a timeout in seconds > 0, got {text!r}")
    return value


def _count(text: str, least: int = 0) -> int:
    if not text.isdigit() or int(text) < least:
        raise argparse.ArgumentTypeError(f"expected a whole number >= {least}, got {text!r}")
    return int(text)


def _positive(text: str) -> int:
    return _count(text, 1)


def _years(text: str) -> tuple[int, int]:
    try:
        return parse_years(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def add_fetch_flags(p: argparse.ArgumentParser, *, max_bytes: bool = True, timeout_flag: str = "--timeout") -> None:
    """Add the politeness and cache flags shared by fetch, discover and parse.

    ``parse`` names its fetch timeout ``--fetch-timeout``: its ``--timeout`` limits each document.
    """
    d = FetchOptions()
    g = p.add_argument_group("fetching")
    g.add_argument("--cache", metavar="DIR", help=f"cache folder (default: {CACHE_NAME} beside --out)")
    g.add_argument("--offline", action="store_true", help="answer from the cache only; never connect")
    g.add_argument("--no-robots", action="store_true",
                   help="ignore robots.txt: only for sites you run yourself or may crawl")
    g.add_argument("--delay", type=_seconds, default=d.delay, metavar="S",
                   help=f"minimum seconds between requests to one host (default: {d.delay:g})")
    g.add_argument("--concurrency", type=_positive, default=d.concurrency_per_host, metavar="N",
                   help=f"requests in flight per host (default: {d.concurrency_per_host})")
    g.add_argument(timeout_flag, type=_timeout, metavar="S", dest="timeout",
                   help=f"connect and read timeout in seconds (default: {d.connect_timeout:g} to connect, "
                        f"{d.read_timeout:g} to read)")
    g.add_argument("--retries", type=_count, default=d.retries, metavar="N",
                   help=f"retries after a timeout, 5xx or 429 (default: {d.retries})")
    g.add_argument("--backoff", type=_seconds, default=d.backoff, metavar="S",
                   help=f"wait before the first retry, doubled each time (default: {d.backoff:g})")
    if max_bytes:
        g.add_argument("--max-bytes", type=_positive, default=d.max_bytes, metavar="N",
                       help=f"abort downloads larger than N bytes (default: {d.max_bytes})")


def add_parse_flags(p: argparse.ArgumentParser) -> None:
    """Add ``--manifest`` and the fetch flags to the ``parse`` command."""
    p.add_argument("--manifest", metavar="CSV", help="also parse the URLs of this CSV's url column")
    add_fetch_flags(p, max_bytes=False, timeout_flag="--fetch-timeout")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``fetch`` and ``discover`` commands to the ``report-parser`` sub-commands."""
    f = sub.add_parser("fetch", help="download report URLs into the cache and write a fetch log",
                       description="Fetch URLs politely into the cache (landing pages are followed to "
                                   "their attachment) and write DIR/fetch_log.csv.")
    f.add_argument("urls", nargs="*", metavar="URL", help="a report page or file URL")
    f.add_argument("--manifest", metavar="CSV", help="also fetch the URLs of this CSV's url column")
    f.add_argument("--out", required=True, metavar="DIR", help="folder for fetch_log.csv")
    add_fetch_flags(f)
    f.set_defaults(run=run_fetch)
    d = sub.add_parser("discover", help="list the annual reports linked from a list page",
                       description="Walk an annual-report list page and its pagination and write a "
                                   "manifest CSV: url, title, year, list_page.")
    d.add_argument("list_url", metavar="LIST_URL", help="the agency's annual-report list page")
    d.add_argument("--out", required=True, metavar="CSV", help="manifest file to write")
    d.add_argument("--years", type=_years, metavar="FIRST-LAST",
                   help="keep reports of these years, e.g. 2019-2024")
    d.add_argument("--max-pages", type=_positive, default=50, metavar="N",
                   help="list pages to read at most (default: 50)")
    add_fetch_flags(d)
    d.set_defaults(run=run_discover)


def fetch_options(args: argparse.Namespace, max_bytes: int | None = None) -> FetchOptions:
    """Given parsed arguments, return the FetchOptions they ask for."""
    d = FetchOptions()
    return FetchOptions(
        concurrency_per_host=args.concurrency, delay=args.delay,
        connect_timeout=args.timeout or d.connect_timeout, read_timeout=args.timeout or d.read_timeout,
        retries=args.retries, backoff=args.backoff, respect_robots=not args.no_robots, offline=args.offline,
        max_bytes=max_bytes if max_bytes is not None else args.max_bytes)


@contextmanager
def open_fetcher(args: argparse.Namespace, max_bytes: int | None = None) -> Iterator[Fetcher]:
    """Given parsed arguments, yield a Fetcher with its client and cache, closed afterwards."""
    options = fetch_options(args, max_bytes)
    limits = httpx.Limits(max_connections=options.workers * 2, max_keepalive_connections=options.workers)
    with httpx.Client(limits=limits) as client, Cache(args.cache or default_cache(args.out)) as cache:
        yield Fetcher(client, options, cache)


def sources(args: argparse.Namespace, given: Sequence[str]) -> list[str]:
    """Given the sources on the command line, return them followed by the manifest's URLs.

    Raises ValueError (a usage error) when there are none or the manifest cannot be read.
    """
    found = list(given)
    if args.manifest:
        try:
            found += read_manifest(args.manifest)
        except OSError as exc:
            raise ValueError(f"cannot read the manifest {args.manifest}: {exc.strerror or exc}") from exc
    if not found and not args.manifest:
        raise ValueError("nothing to do: give a path or URL, or --manifest CSV")
    return found


# --- fetch and discover -----------------------------------------------------------------------

def log_row(url: str, result: FetchResult) -> tuple[object, ...]:
    """Given a URL and its fetch result, return its fetch-log row (``LOG_COLUMNS``)."""
    if isinstance(result, FetchFailure):
        return (url, result.final_url or "", "", result.http_status or "", "", "", "", result.code, result.message)
    i = result.info
    return (url, i.final_url, i.landing_url or "", i.http_status, result.media_type, result.sha256,
            i.fetched_at, "", "")


def run_fetch(args: argparse.Namespace) -> int:
    """Fetch every URL into the cache and write ``DIR/fetch_log.csv``; return the exit code."""
    try:
        urls = sources(args, args.urls)
        Path(args.out).mkdir(parents=True, exist_ok=True)
    except (ValueError, OSError) as exc:
        _say(f"{PROG}: {exc}")
        return 2
    failed = total = 0
    with open_fetcher(args) as fetcher, open(Path(args.out) / "fetch_log.csv", "w", encoding="utf-8",
                                              newline="") as f:
        log = csv.writer(f, lineterminator="\n")
        log.writerow(LOG_COLUMNS)
        for url, result in zip(urls, ordered_map(lambda u: _fetch_one(fetcher, u), urls, fetcher.options.workers),
                               strict=True):
            log.writerow(log_row(url, result))
            total += 1
            failed += isinstance(result, FetchFailure)
    _say(f"{total} URLs: fetched {total - failed}, failed {failed} → {Path(args.out) / 'fetch_log.csv'}")
    return 1 if failed else 0


def run_discover(args: argparse.Namespace) -> int:
    """Walk LIST_URL's pages and write the manifest; return the exit code."""
    with open_fetcher(args) as fetcher:
        found = discover(fetcher, args.list_url, years=args.years, max_pages=args.max_pages)
    try:
        write_manifest(found.rows, args.out)
    except OSError as exc:
        _say(f"{PROG}: cannot write {args.out}: {exc.strerror or exc}")
        return 1
    for failure in found.failures:
        _say(f"{PROG}: {failure.url}: {failure.code}: {failure.message}")
    _say(f"{len(found.rows)} reports on {len(found.pages)} list page(s) → {args.out}")
    return 1 if found.failures else 0


def _fetch_one(fetcher: Fetcher, url: str) -> FetchResult:
    """Given a URL, return its report's fetch result; an unexpected error becomes a failure too."""
    try:
        return fetch_report(fetcher, url)
    except Exception as exc:  # one bad URL must never stop a batch
        return FetchFailure(url, "internal_error", f"{type(exc).__name__}: {exc}")


# --- parse --------------------------------------------------------------------------------------

def url_report(url: str, result: FetchResult, options: Options) -> Report:
    """Given a URL as given and its fetch result, return its Report (failures as failed rows)."""
    if isinstance(result, FetchFailure):
        report = failed_report(url, result.diagnostic())
        return replace(report, url=url, final_url=result.final_url, http_status=result.http_status)
    try:
        return parse_bytes(result.body, url, options, fetched=result.info)
    except Exception as exc:  # one bad report must never stop a batch
        stage, where = origin_of(exc)
        message = f"{type(exc).__name__}: {exc}" + (f" (at {where})" if where else "")
        report = failed_report(url, Diagnostic(stage, "error", "internal_error", message), result.body)
        return _with_provenance(report, result)


def _with_provenance(report: Report, fetched: Fetched) -> Report:
    i = fetched.info
    return replace(report, url=i.url, final_url=i.final_url, http_status=i.http_status,
                   fetched_at=i.fetched_at, landing_url=i.landing_url, media_type=fetched.media_type)
