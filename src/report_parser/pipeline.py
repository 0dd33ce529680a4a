"""Run the stages on one source: bytes -> Document -> parts, meta, cells, checks -> Report."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from . import __version__
from .check import run_checks
from .errors import InputError, ReportParserError
from .extract import extract, sniff
from .meta import extract_meta
from .model import Diagnostic, FetchInfo, Meta, Part, Report
from .normalize import fold, is_traditional
from .split import is_old_layout, split_parts
from .tables import TableResult, read_tables


@dataclass(frozen=True, slots=True)
class Options:
    """Settings for one parse; validated once, passed down unchanged."""

    raise_on_error: bool = False
    ocr: bool = False  # read scanned PDF pages with tesseract (slow; needs tesseract-ocr-chi-sim)


def report_id_for(data: bytes) -> str:
    """Given the source bytes, return the deterministic report id."""
    return hashlib.sha256(data).hexdigest()[:16]


def parse(source: str | Path | bytes, *, name: str | None = None,
          options: Options | None = None) -> Report:
    """Parse one report from a path or from bytes (``name`` then says where they came from)."""
    options = options or Options()
    if isinstance(source, bytes):
        data, src = source, name or "<bytes>"
    else:
        src = name or str(source)
        data = Path(source).read_bytes()
    return parse_bytes(data, src, options)


def parse_bytes(data: bytes, source: str, options: Options, fetched: FetchInfo | None = None) -> Report:
    """Given a source's bytes and its name, return its Report (failures become a failed Report).

    ``fetched`` carries the HTTP provenance of fetched bytes: it goes on the reports row, and
    its Content-Type charset is one of the hints the decoder weighs.
    """
    report = _parse(data, source, options, fetched.content_type if fetched else "")
    if fetched is None:
        return report
    return replace(report, url=fetched.url, final_url=fetched.final_url, http_status=fetched.http_status,
                   fetched_at=fetched.fetched_at, landing_url=fetched.landing_url)


def _parse(data: bytes, source: str, options: Options, content_type: str) -> Report:
    sha = hashlib.sha256(data).hexdigest()
    rid = sha[:16]
    try:
        doc, diags = extract(data, source, ocr=options.ocr, content_type=content_type)
    except ReportParserError as exc:
        if options.raise_on_error:
            raise
        diag = Diagnostic("extract", "error", exc.code, str(exc))
        return Report(rid, source, "failed", "unknown", Meta(), diagnostics=(diag,), sha256=sha,
                      media_type=sniff(data))
    diagnostics = list(diags)
    folded = fold(doc.text)
    parts, d = split_parts(doc.text, folded)
    diagnostics += d
    meta, d = extract_meta(doc.text, folded, parts)
    diagnostics += d
    if is_traditional(doc.text, folded):
        meta = Meta(meta.title, meta.agency, meta.region, meta.year, "traditional")
    result = read_tables(doc, folded, meta.year)
    diagnostics += result.diagnostics
    template = result.template
    if template == "unknown" and ((meta.year is not None and meta.year <= 2018) or is_old_layout(parts, folded)):
        template = "pre2019"
    checks = run_checks(template, result.cells)
    status, why = _status(template, parts, result, diagnostics)
    if why:
        diagnostics.append(why)
    if status == "failed" and options.raise_on_error:
        raise InputError("; ".join(d.message for d in diagnostics if d.level == "error"))
    return Report(rid, source, status, template, meta, tuple(parts), tuple(result.cells), tuple(checks),
                  tuple(diagnostics), sha256=sha, media_type=doc.media_type, encoding=doc.encoding)


def _status(template: str, parts: list[Part], result: TableResult,
            diagnostics: list[Diagnostic]) -> tuple[str, Diagnostic | None]:
    """Given what the stages found, return the report status and, unless ok, a diagnostic saying why."""
    numbered = sorted({p.part for p in parts if p.part > 0})
    if not numbered and not result.cells:
        return "failed", Diagnostic("pipeline", "error", "not_a_report",
                                    "no part heading and no statistical table found: not an annual report")
    gaps: list[str] = []
    if template in ("2019", "2021"):
        missing_tables = [t for t in ("T2", "T3", "T4") if t not in result.tables]
        if missing_tables:
            gaps.append("tables not found: " + ", ".join(missing_tables))
        bad = sum(c.status in ("absent", "unreadable") for c in result.cells)
        if bad:
            gaps.append(f"{bad} cell(s) absent or unreadable")
        missing = [n for n in range(1, 7) if n not in numbered]
    else:
        missing = [] if len(numbered) >= 4 else [n for n in range(1, 7) if n not in numbered]
    if missing:
        gaps.append("parts not found: " + ", ".join(map(str, missing)))
    if result.truncated:
        gaps.append("a table runs into the end of the text")
    if any(d.level == "error" for d in diagnostics):
        gaps.append("errors were recovered from")
    if gaps:
        return "partial", Diagnostic("pipeline", "warning", "incomplete", "; ".join(gaps))
    return "ok", None


__all__ = ["Options", "parse", "parse_bytes", "report_id_for", "__version__"]
