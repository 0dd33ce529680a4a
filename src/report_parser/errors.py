"""The one exception tree of report_parser.

    ReportParserError
    ├── InputError              the source cannot be read as a report (permanent)
    │   ├── EmptyInput
    │   ├── BinaryInput
    │   ├── UnsupportedMedia    not a format we read (or LibreOffice is missing for .doc/.wps)
    │   ├── NeedsOCR            a scanned PDF (page images, no text layer) parsed without OCR
    │   ├── HttpError           the server answered 4xx (not 429), or 3xx without a Location
    │   ├── TooLarge            the body is over the size limit (streamed; aborted there)
    │   ├── RobotsDisallowed    robots.txt disallows the URL; it was never requested
    │   ├── BadUrl              not a URL we can fetch
    │   │   └── BadScheme       not http or https (also for a redirect to one)
    │   ├── RedirectError
    │   │   ├── RedirectLoop    a redirect leads back to a URL already visited
    │   │   └── TooManyRedirects
    │   └── NotCached           offline, and the URL is not in the cache
    └── TransientError          worth retrying; raised by the fetch stage after its retries
        ├── FetchTimeout        connect or read timeout, or the body took too long
        ├── NetworkError        connection refused or reset, DNS failure, protocol error
        ├── ServerError         5xx
        └── RateLimited         429

Every class has a ``code``: the diagnostics and fetch-log code of the failure. HTTP errors carry
the ``status``; transient errors may carry ``retry_after`` (seconds, from Retry-After).
Library callers get these only when they ask (``parse(..., raise_on_error=True)``,
``Fetcher.get``); the CLI and batch runs turn every failure into a ``failed`` row instead.
"""


class ReportParserError(Exception):
    """Base of every error raised by report_parser."""

    code = "error"


class InputError(ReportParserError):
    """The source cannot be read as a report; retrying will not help."""

    code = "bad_input"


class EmptyInput(InputError):
    code = "empty_input"


class BinaryInput(InputError):
    code = "binary_input"


class UnsupportedMedia(InputError):
    code = "unsupported_media"


class NeedsOCR(InputError):
    """The PDF's pages are images without a text layer; parse with ``Options(ocr=True)`` (``--ocr``)."""

    code = "needs_ocr"


class HttpError(InputError):
    """The server answered with a status that is not a report (4xx other than 429)."""

    code = "http_error"

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class TooLarge(InputError):
    code = "too_large"


class RobotsDisallowed(InputError):
    code = "robots_disallowed"


class BadUrl(InputError):
    code = "bad_url"


class BadScheme(BadUrl):
    code = "bad_scheme"


class RedirectError(InputError):
    code = "redirect_error"


class RedirectLoop(RedirectError):
    code = "redirect_loop"


class TooManyRedirects(RedirectError):
    code = "too_many_redirects"


class NotCached(InputError):
    code = "not_cached"


class TransientError(ReportParserError):
    """A failure that may go away on retry (network, timeouts, 5xx, 429)."""

    code = "transient"

    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class FetchTimeout(TransientError):
    code = "timeout"


class NetworkError(TransientError):
    code = "network_error"


class ServerError(TransientError):
    code = "http_server_error"


class RateLimited(TransientError):
    code = "rate_limited"
