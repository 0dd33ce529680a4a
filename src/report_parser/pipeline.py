"""Run the stages on one source: bytes -> Document -> parts, meta, cells, checks -> Report."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .check import run_checks
from .errors import ReportParserError
from .extract import extract
from .meta import extract_meta
from .model import Diagnostic, Meta, Report
from .normalize import fold, is_traditional
from .split import is_old_layout, split_parts
from .tables import read_tables


@dataclass(frozen=True, slots=True)
class Options:
    """Settings for one parse; validated once, passed down unchanged."""

    raise_on_error: bool = False


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


def parse_bytes(data: bytes, source: str, options: Options) -> Report:
    """Given a source's bytes and its name, return its Report (failures become a failed Report)."""
    sha = hashlib.sha256(data).hexdigest()
    rid = sha[:16]
    try:
        doc, diags = extract(data, source)
    except ReportParserError as exc:
        if options.raise_on_error:
            raise
        diag = Diagnostic("extract", "error", exc.code, str(exc))
        return Report(rid, source, "failed", "unknown", Meta(), diagnostics=(diag,), sha256=sha)
    diagnostics = list(diags)
    folded = fold(doc.text)
    parts, d = split_parts(doc.text, folded)
    diagnostics += d
    meta, d = extract_meta(doc.text, folded, parts)
    diagnostics += d
    if is_traditional(doc.text):
        meta = Meta(meta.title, meta.agency, meta.region, meta.year, "traditional")
    result = read_tables(doc, folded, meta.year)
    diagnostics += result.diagnostics
    template = result.template
    if template == "unknown" and ((meta.year is not None and meta.year <= 2018) or is_old_layout(parts, folded)):
        template = "pre2019"
    checks = run_checks(template, result.cells)
    status = _status(parts, result, diagnostics)
    if status == "failed" and options.raise_on_error:
        raise ReportParserError("; ".join(d.message for d in diagnostics if d.level == "error"))
    return Report(rid, source, status, template, meta, tuple(parts), tuple(result.cells), tuple(checks),
                  tuple(diagnostics), sha256=sha, media_type=doc.media_type, encoding=doc.encoding)


def _status(parts, result, diagnostics) -> str:
    if any(d.level == "error" for d in diagnostics):
        return "failed" if not parts and not result.cells else "partial"
    if not parts and not result.cells:
        return "failed"
    if result.truncated or any(c.status == "unreadable" for c in result.cells):
        return "partial"
    return "ok"


__all__ = ["Options", "parse", "parse_bytes", "report_id_for", "__version__"]
