"""Politeness: at most N requests in flight per host, a minimum delay between them, robots.txt."""

from __future__ import annotations

import threading
import time
import urllib.robotparser
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from ..errors import InputError, ReportParserError, RobotsDisallowed


def origin(url: str) -> str:
    """Given a URL, return its scheme://host[:port] in lower case."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


class HostGate:
    """Per-host semaphores and request spacing, shared by every fetching thread."""

    def __init__(self, concurrency: int, delay: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._concurrency, self._delay = concurrency, delay
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self._slots: dict[str, threading.Semaphore] = {}
        self._next: dict[str, float] = {}
        self._delays: dict[str, float] = {}

    def slow_down(self, host: str, delay: float) -> None:
        """Raise the delay for one host (robots.txt Crawl-delay); never lowers it."""
        with self._lock:
            self._delays[host] = max(delay, self._delays.get(host, self._delay))

    @contextmanager
    def request(self, host: str) -> Iterator[None]:
        """Hold one of the host's slots, starting no sooner than its delay allows."""
        with self._lock:
            slot = self._slots.setdefault(host, threading.Semaphore(self._concurrency))
        with slot:
            with self._lock:
                now = self._clock()
                start = max(now, self._next.get(host, now))
                self._next[host] = start + self._delays.get(host, self._delay)
            if start > now:
                self._sleep(start - now)
            yield


class Robots:
    """robots.txt, fetched once per origin through ``load`` and asked before every request.

    ``load(robots_url)`` returns the file's text, "" when there is none (any 4xx, or a permanent
    failure such as a redirect loop: RFC 9309 then allows everything), or raises a
    TransientError when the server cannot say (5xx, timeouts): then no URL of that origin is
    requested, and each fails with that error.
    """

    def __init__(self, load: Callable[[str], str], user_agent: str,
                 on_crawl_delay: Callable[[str, float], None] = lambda host, delay: None) -> None:
        self._load, self._agent, self._on_delay = load, user_agent, on_crawl_delay
        self._lock = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._rules: dict[str, urllib.robotparser.RobotFileParser | ReportParserError] = {}

    def check(self, url: str) -> None:
        """Raise RobotsDisallowed if robots.txt forbids ``url`` (or the error reading robots.txt)."""
        rules = self._rules_for(origin(url))
        if isinstance(rules, ReportParserError):
            raise rules
        if not rules.can_fetch(self._agent, url):
            raise RobotsDisallowed(f"robots.txt of {origin(url)} disallows {url}; not requested")

    def _rules_for(self, host: str) -> urllib.robotparser.RobotFileParser | ReportParserError:
        with self._lock:
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:  # one fetch of robots.txt per origin, however many threads ask
            if host not in self._rules:
                self._rules[host] = self._read(host)
            return self._rules[host]

    def _read(self, host: str) -> urllib.robotparser.RobotFileParser | ReportParserError:
        try:
            text = self._load(f"{host}/robots.txt")
        except InputError:
            text = ""
        except ReportParserError as exc:
            return type(exc)(f"robots.txt of {host} could not be read, so nothing there is requested: {exc}")
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(text.splitlines())
        delay = parser.crawl_delay(self._agent)
        if delay:
            self._on_delay(host, float(delay))
        return parser
