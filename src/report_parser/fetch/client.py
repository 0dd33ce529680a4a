"""The Fetcher: polite, retrying, size-capped GETs through an injected ``httpx.Client``.

Redirects are followed by hand so that every hop is checked (http/https only, robots.txt, loops).
Results are data: ``fetch`` returns a ``Fetched`` or a ``FetchFailure`` and never raises a
ReportParserError; ``get`` raises them for callers who prefer exceptions.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx

from ..errors import (
    BadScheme,
    BadUrl,
    FetchTimeout,
    HttpError,
    NetworkError,
    NotCached,
    RateLimited,
    RedirectLoop,
    ReportParserError,
    ServerError,
    TooLarge,
    TooManyRedirects,
    TransientError,
)
from ..extract import sniff
from ..model import Diagnostic, FetchInfo
from .cache import Cache, Stored
from .options import FetchOptions
from .polite import HostGate, Robots, origin

REDIRECTS = frozenset({301, 302, 303, 307, 308})
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched body, its provenance, and its media type sniffed from the bytes."""

    info: FetchInfo
    body: bytes
    media_type: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


@dataclass(frozen=True, slots=True)
class _Answer:
    """One HTTP response as read: status, the headers we keep, and the (decoded) body."""

    status: int
    content_type: str
    location: str | None
    body: bytes


@dataclass(frozen=True, slots=True)
class FetchFailure:
    """Why a URL gave no body: the error code and message, and whether a retry might help."""

    url: str
    code: str
    message: str
    transient: bool = False
    http_status: int | None = None
    final_url: str | None = None

    @classmethod
    def of(cls, url: str, exc: ReportParserError) -> FetchFailure:
        """Given a URL and the error fetching it, return the failure."""
        return cls(url, exc.code, str(exc), isinstance(exc, TransientError), getattr(exc, "status", None))

    def diagnostic(self) -> Diagnostic:
        """Return this failure as a diagnostics row of the fetch stage."""
        return Diagnostic("fetch", "error", self.code, self.message)


FetchResult = Fetched | FetchFailure


def media_type_of(body: bytes) -> str:
    """Given a body, return its media type from the bytes (a zip holding ``word/`` is DOCX)."""
    media = sniff(body)
    if media == "application/zip" and b"word/" in body:
        return DOCX
    return media


def utc_now() -> str:
    """Return the current UTC time as ISO 8601 with seconds, e.g. ``2024-05-01T08:00:00Z``."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def retry_after(value: str | None, now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)) -> float | None:
    """Given a Retry-After header (seconds or an HTTP date), return the seconds to wait, or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now()).total_seconds())


def ordered_map(fn: Callable[[T], R], items: Iterable[T], workers: int) -> Iterator[R]:
    """Given a function and items, yield fn(item) in input order, at most ``workers`` at once.

    Only about ``2 * workers`` results are held at a time, so memory stays flat.
    """
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: deque[Future[R]] = deque()
        for item in items:
            pending.append(pool.submit(fn, item))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


class Fetcher:
    """Fetches URLs politely through one injected ``httpx.Client`` (and an optional Cache).

    Time is injected too (``sleep``, ``clock``, ``now``), so tests can record the waits.
    """

    def __init__(self, client: httpx.Client, options: FetchOptions | None = None, cache: Cache | None = None, *,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
                 now: Callable[[], str] = utc_now) -> None:
        self.client, self.options, self.cache = client, options or FetchOptions(), cache
        self._sleep, self._clock, self._now = sleep, clock, now
        o = self.options
        self._gate = HostGate(o.concurrency_per_host, o.delay, clock=clock, sleep=sleep)
        self._robots = Robots(self._robots_text, o.user_agent,
                              lambda host, d: self._gate.slow_down(host, min(d, o.max_crawl_delay)))
        self._timeout = httpx.Timeout(o.read_timeout, connect=o.connect_timeout)

    # --- public -------------------------------------------------------------------------------

    def fetch(self, url: str) -> FetchResult:
        """Given a URL, return what it gave (a Fetched) or why not (a FetchFailure); never raises."""
        try:
            return self.get(url)
        except ReportParserError as exc:
            return FetchFailure.of(url, exc)

    def fetch_all(self, urls: Iterable[str]) -> Iterator[FetchResult]:
        """Given URLs, yield their results in the same order, fetching concurrently."""
        return ordered_map(self.fetch, urls, self.options.workers)

    def get(self, url: str) -> Fetched:
        """Given a URL, return its Fetched; raise a ReportParserError subclass on failure."""
        stored, body = self._entry(url, check_robots=self.options.respect_robots)
        if not 200 <= stored.http_status < 300:
            raise HttpError(f"HTTP {stored.http_status} from {stored.final_url}", stored.http_status)
        info = FetchInfo(url, stored.final_url, stored.http_status, stored.fetched_at, stored.content_type)
        return Fetched(info, body, media_type_of(body))

    # --- one URL: robots, cache, redirects ----------------------------------------------------

    def _entry(self, url: str, check_robots: bool) -> tuple[Stored, bytes]:
        """Given a URL, return its final response as a cache entry and body (cached or fetched)."""
        url = _checked(url)
        if check_robots:
            self._robots.check(url)
        hit = self.cache.get(url) if self.cache is not None else None
        if hit is not None:
            return hit
        if self.options.offline:
            raise NotCached(f"{url} is not in the cache (offline)")
        final_url, answer = self._follow(url, check_robots)
        stored = Stored(url, final_url, answer.status, answer.content_type, self._now(),
                        hashlib.sha256(answer.body).hexdigest())
        if self.cache is not None:  # 5xx and 429 never get here: they raise after the retries
            self.cache.put(stored, answer.body)
        return stored, answer.body

    def _follow(self, url: str, check_robots: bool) -> tuple[str, _Answer]:
        """Given a URL, return the final URL and answer after following redirects hop by hop."""
        start, seen = url, {url}
        for _ in range(self.options.max_redirects + 1):
            answer = self._request(url)
            if answer.status not in REDIRECTS or not answer.location:
                return url, answer
            target = _checked(urljoin(url, answer.location.strip()))
            if target in seen:
                raise RedirectLoop(f"redirect loop: {url} -> {target}, visited before")
            seen.add(target)
            if check_robots:
                self._robots.check(target)
            url = target
        raise TooManyRedirects(f"more than {self.options.max_redirects} redirects from {start}")

    def _robots_text(self, robots_url: str) -> str:
        """Given a robots.txt URL, return its text ("" when the server has none)."""
        stored, body = self._entry(robots_url, check_robots=False)
        if 400 <= stored.http_status < 500:
            return ""
        if stored.http_status >= 300:
            raise HttpError(f"HTTP {stored.http_status} for {robots_url}", stored.http_status)
        return body[:512_000].decode("utf-8", errors="replace")

    # --- one request: retries, politeness, size cap ------------------------------------------

    def _request(self, url: str) -> _Answer:
        """Given a URL, return its answer, retrying transient failures with backoff."""
        o = self.options
        for attempt in range(o.retries + 1):
            try:
                return self._attempt(url)
            except TransientError as exc:
                if attempt == o.retries:
                    raise
                wait = min(o.backoff * 2 ** attempt, o.max_backoff)
                if exc.retry_after is not None:
                    wait = max(wait, min(exc.retry_after, o.max_retry_after))
                self._sleep(wait)
        raise AssertionError("unreachable")

    def _attempt(self, url: str) -> _Answer:
        """Given a URL, make one polite GET and return the answer; raise on 5xx, 429, timeouts."""
        headers = {"User-Agent": self.options.user_agent, "Accept": "*/*"}
        try:
            with self._gate.request(origin(url)), self.client.stream(
                    "GET", url, headers=headers, timeout=self._timeout, follow_redirects=False) as response:
                _raise_for_transient(response, url)
                redirect = response.status_code in REDIRECTS
                body = b"" if redirect else self._read_capped(response, url)
                return _Answer(response.status_code, response.headers.get("content-type", ""),
                               response.headers.get("location"), body)
        except httpx.TimeoutException as exc:
            raise FetchTimeout(f"{type(exc).__name__} fetching {url}") from exc
        except httpx.InvalidURL as exc:
            raise BadUrl(f"{url}: {exc}") from exc
        except httpx.TransportError as exc:
            raise NetworkError(f"{type(exc).__name__} fetching {url}: {exc}") from exc

    def _read_capped(self, response: httpx.Response, url: str) -> bytes:
        """Given a streamed response, return its body; abort past max_bytes or total_timeout.

        The limit applies to the decoded body, so a compressed bomb is stopped too.
        """
        limit, deadline = self.options.max_bytes, self._clock() + self.options.total_timeout
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise TooLarge(f"{url}: Content-Length {declared} is over the limit of {limit} bytes")
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise TooLarge(f"{url}: body is over the limit of {limit} bytes; download aborted")
            if self._clock() > deadline:
                raise FetchTimeout(f"{url}: body took over {self.options.total_timeout} s")
            chunks.append(chunk)
        return b"".join(chunks)


def _raise_for_transient(response: httpx.Response, url: str) -> None:
    """Given a response, raise ServerError (5xx) or RateLimited (429) with its Retry-After."""
    status = response.status_code
    if status == 429 or status >= 500:
        wait = retry_after(response.headers.get("retry-after"))
        cls = RateLimited if status == 429 else ServerError
        raise cls(f"HTTP {status} {response.reason_phrase} from {url}", status, wait)


def _checked(url: str) -> str:
    """Given a URL, return it without fragment; raise BadScheme/BadUrl if it cannot be fetched."""
    url = urldefrag(url.strip())[0]
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise BadUrl(f"{url!r} is not a valid URL: {exc}") from exc
    if parts.scheme.lower() not in ("http", "https"):
        raise BadScheme(f"{url!r}: only http and https URLs are fetched")
    if not parts.hostname:
        raise BadUrl(f"{url!r} has no host")
    return url
