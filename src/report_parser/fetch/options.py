"""The one validated options object of the fetch stage."""

from __future__ import annotations

from dataclasses import dataclass, fields

from .. import __version__

USER_AGENT = f"report-parser/{__version__} (OGI annual report research; polite crawler)"


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """How to fetch: politeness, limits, retries. Validated on creation (``ValueError``).

    ``respect_robots=False`` ignores robots.txt: use it only for sites you run yourself.
    ``offline=True`` answers from the cache only and never opens a connection.
    """

    concurrency_per_host: int = 2       # requests in flight to one host at a time
    delay: float = 1.0                  # minimum seconds between request starts to one host
    workers: int = 8                    # threads fetching at once, across all hosts
    connect_timeout: float = 10.0
    read_timeout: float = 30.0          # longest wait for the next bytes
    total_timeout: float = 300.0        # longest time for one whole response body
    retries: int = 3                    # extra attempts after a timeout, network error, 5xx or 429
    backoff: float = 1.0                # wait before the first retry; doubles each time
    max_backoff: float = 60.0
    max_retry_after: float = 120.0      # a server's Retry-After is honoured up to this many seconds
    max_crawl_delay: float = 30.0       # robots.txt Crawl-delay is honoured up to this
    max_bytes: int = 100 * 1024 * 1024  # larger bodies are aborted while streaming
    max_redirects: int = 10
    user_agent: str = USER_AGENT
    respect_robots: bool = True
    offline: bool = False

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            least = 1 if f.name in ("concurrency_per_host", "workers", "max_bytes") else 0
            if value < least or value != value:
                raise ValueError(f"FetchOptions.{f.name} must be >= {least}, got {value!r}")
        if self.connect_timeout <= 0 or self.read_timeout <= 0 or self.total_timeout <= 0:
            raise ValueError("FetchOptions timeouts must be positive")
        if not self.user_agent.strip():
            raise ValueError("FetchOptions.user_agent must not be empty")
