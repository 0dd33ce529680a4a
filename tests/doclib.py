"""Helpers for the PDF, Word and OCR tests: the committed documents, their answers, comparisons."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

from report_parser import Report, parse

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "fixtures" / "documents"
PAGE_BBOX = re.compile(r"^page \d+ bbox \d+,\d+,\d+,\d+$")
PLACEHOLDER = re.compile(r"^[^\d]+$")


def documents(ext: str) -> list[Path]:
    """Given an extension, return the committed documents of that kind, sorted."""
    return sorted((DOCS / "raw").glob(f"*.{ext}"))


@cache
def parsed(raw: Path) -> Report:
    """Given a committed document, return its report (parsed once per test session)."""
    return parse(raw)


def gold(raw: Path) -> dict:
    """Given a document, return its answer (gold/<id>.json)."""
    return json.loads((DOCS / "gold" / f"{raw.stem}.json").read_text(encoding="utf-8"))


def cell_problems(report, answer: dict, tables: tuple[str, ...] = ("T2", "T3", "T4")) -> list[str]:
    """Given a parsed report and its answer, list every cell of the tables that is not read exactly."""
    got = {(c.table, c.row_path, c.col_path): c for c in report.cells}
    problems = []
    for want in (w for w in answer["cells"] if w["table"] in tables):
        cell = got.get((want["table"], want["row_path"], want["col_path"]))
        g = want["gold"]
        if cell is None:
            ok = False
        elif g == "":
            ok = cell.status == "blank"
        elif PLACEHOLDER.match(g):
            ok = (cell.status, cell.raw) == ("placeholder", g)
        else:
            ok = cell.status == "value" and float(cell.value) == float(g)
        if not ok:
            seen = (cell.status, cell.value, cell.raw, cell.loc) if cell else None
            problems.append(f"{want['table']} {want['row_path']} | {want['col_path']}: want {g!r}, got {seen}")
    return problems


def report_problems(report, answer: dict) -> list[str]:
    """Given a parsed report and its answer, list what differs: cells, metadata, parts, status."""
    problems = cell_problems(report, answer)
    for field, got in (("template", report.template), ("year", report.meta.year), ("agency", report.meta.agency)):
        if got != answer[field]:
            problems.append(f"{field}: want {answer[field]!r}, got {got!r}")
    parts = sorted({p.part for p in report.parts if p.part > 0})
    if parts != answer["parts"]:
        problems.append(f"parts: want {answer['parts']}, got {parts}")
    if report.status != "ok":
        problems.append(f"status {report.status}: {[d.message for d in report.diagnostics if d.level != 'info']}")
    return problems


def libreoffice() -> str | None:
    """Return LibreOffice's executable, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(exe: str, src: Path, fmt: str, outdir: Path) -> Path:
    """Given a document, convert it with LibreOffice headless (own profile) and return the new file."""
    profile = (outdir / "lo-profile").as_uri()
    subprocess.run([exe, f"-env:UserInstallation={profile}", "--headless", "--convert-to", fmt,
                    "--outdir", str(outdir), str(src)], check=True, capture_output=True, timeout=300)
    return outdir / f"{src.stem}.{fmt.split(':')[0]}"


def scanned_pdf(src: Path, pages: list[int], out: Path) -> Path:
    """Given a PDF and 1-based pages, write a scan of them: 300 dpi page images wrapped in a PDF."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(src))
    images = [pdf[n - 1].render(scale=300 / 72).to_pil().convert("L") for n in pages]
    pdf.close()
    images[0].save(out, "PDF", resolution=300, save_all=True, append_images=images[1:])
    return out
