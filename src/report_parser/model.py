"""Typed, frozen records passed between pipeline stages.

Every stage takes and returns these; no ``dict[str, Any]`` crosses a stage boundary.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Literal

Template = Literal["2019", "2021", "pre2019", "unknown"]
Script = Literal["simplified", "traditional"]
ReportStatus = Literal["ok", "partial", "failed"]
CellStatus = Literal["value", "blank", "placeholder", "unreadable", "absent"]
CheckResultKind = Literal["pass", "fail", "skipped"]
Level = Literal["info", "warning", "error"]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """An oddity recovered from, or the reason a document failed."""

    stage: str
    level: Level
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class SourceSpan:
    """Where a stretch of the extracted text came from: ``page 2 bbox 72,300,110,318``, a DOM path."""

    start: int
    end: int
    loc: str


@dataclass(frozen=True, slots=True)
class Document:
    """Extracted text of one source: the printed text and its lines.

    ``text`` is the document as printed (decoded, line endings unified); ``line_starts``
    holds the offset of every line so offsets can be turned into line numbers. Extractors of
    laid-out sources (PDF, HTML, Word) render their tables as cell-per-line text and record in
    ``spans`` (sorted by start) where each cell's text came from.
    """

    source: str
    text: str
    media_type: str = "text/plain"
    encoding: str = "utf-8"
    line_starts: tuple[int, ...] = ()
    spans: tuple[SourceSpan, ...] = ()
    span_starts: tuple[int, ...] = ()  # derived: the start of every span, for bisection

    def __post_init__(self) -> None:
        if self.spans and len(self.span_starts) != len(self.spans):
            object.__setattr__(self, "span_starts", tuple(s.start for s in self.spans))

    def span_loc(self, offset: int) -> str | None:
        """Given an offset, return the recorded source location that covers it, if any."""
        i = bisect.bisect_right(self.span_starts, offset) - 1
        if i >= 0 and offset < self.spans[i].end:
            return self.spans[i].loc
        return None

    def line_of(self, offset: int) -> int:
        """Given a character offset, return its 1-based line number."""
        return max(bisect.bisect_right(self.line_starts, offset), 1)


@dataclass(frozen=True, slots=True)
class Part:
    """One of the six parts (1-6) or the preamble (0)."""

    part: int
    title: str
    heading: str
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Meta:
    """What the report says about itself."""

    title: str | None = None
    agency: str | None = None
    region: str | None = None
    year: int | None = None
    script: Script = "simplified"


@dataclass(frozen=True, slots=True)
class Cell:
    """One canonical data cell of T2, T3 or T4."""

    table: str
    row_path: str
    col_path: str
    row_key: str
    col_key: str
    status: CellStatus
    value: str | None = None
    raw: str = ""
    unit: str = ""
    loc: str = ""

    @property
    def number(self) -> float | None:
        """The value as a float, or None when the cell holds no number."""
        return float(self.value) if self.value is not None else None


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The outcome of one identity check."""

    check: str
    scope: str
    expected: float | None
    actual: float | None
    result: CheckResultKind

    @property
    def delta(self) -> float | None:
        if self.expected is None or self.actual is None:
            return None
        return self.actual - self.expected


@dataclass(frozen=True, slots=True)
class FetchInfo:
    """How a source's bytes were fetched (the fetch stage's output, the parse stage's input)."""

    url: str
    final_url: str
    http_status: int
    fetched_at: str
    content_type: str = ""       # the Content-Type header as sent (may declare a charset)
    landing_url: str | None = None


@dataclass(frozen=True, slots=True)
class Report:
    """Everything parsed from one source."""

    report_id: str
    source: str
    status: ReportStatus
    template: Template
    meta: Meta
    parts: tuple[Part, ...] = ()
    cells: tuple[Cell, ...] = ()
    checks: tuple[CheckResult, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    sha256: str = ""
    media_type: str = "text/plain"
    encoding: str = ""
    # Fetch provenance (empty for local files): the URL asked for, the URL the parsed bytes came
    # from after redirects, and the landing page when the report is an attachment found on it.
    url: str | None = None
    final_url: str | None = None
    http_status: int | None = None
    fetched_at: str | None = None
    landing_url: str | None = None
