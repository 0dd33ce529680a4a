"""Scanned PDF pages -> text lines and ruled tables, read with tesseract (chi_sim).

Each page is rendered at 300 dpi with pypdfium2 (which pdfplumber ships with). Ruling lines are
long runs of dark pixels; where they cross they make cells (pdfplumber's own cell finder, fed
with those lines). A cell without ink is blank and never guessed. Every other cell is cropped
to its ink and tesseract reads every crop on its own, all in one run, so a lone ``0`` in a wide cell is
not lost as noise and neighbours never mix. The rest of the page, with the rules
and tables whitened, is read as narrative. Coordinates come back in PDF points, so scanned cells
get ``page N bbox …`` locations like text PDFs.

Needs the ``tesseract`` command and its chi_sim data (Debian: tesseract-ocr, tesseract-ocr-chi-sim).
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import tempfile
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pypdfium2
import regex
from pdfplumber.table import (
    cells_to_tables,
    edges_to_intersections,
    intersections_to_cells,
    merge_edges,
)
from PIL import Image

from ..errors import NeedsOCR
from .render import is_cjk, join_lines

DPI = 300
LANG = "chi_sim"
TIMEOUT = 300          # seconds for one tesseract call
_SCALE = DPI / 72      # pixels per PDF point
_RULE_H = 110          # pixels: a horizontal dark run this long is a rule (longer than ——)
_RULE_V = 16           # pixels: a vertical run this long that joins two rules is a rule
_INK = 160             # grey level below which a pixel is ink
_DIGITS = regex.compile(r"^[\dOoIl|.,+\-]*\d[\dOoIl|.,+\-]*$")
_DASH = regex.compile(r"^[一_—–\-－~]{1,2}$")
_BRACKETS = str.maketrans("〈〉", "（）")
_NUMBER = regex.compile(r"^[-+]?\d+(?:\.\d+)?$")


@dataclass(frozen=True, slots=True)
class OcrLine:
    """A narrative line: text, box in points, font size in points."""

    text: str
    box: tuple[float, float, float, float]
    size: float


@dataclass(frozen=True, slots=True)
class OcrTable:
    """A ruled table: its box, cell boxes, and (text, font size, width of its last line) per cell, in points."""

    bbox: tuple[float, float, float, float]
    boxes: list[tuple[float, ...]]
    texts: list[tuple[str, float, float]]


@dataclass(frozen=True, slots=True)
class OcrPage:
    lines: list[OcrLine]
    tables: list[OcrTable]


def ocr_pages(data: bytes, numbers: list[int], source: str) -> dict[int, OcrPage]:
    """Given a PDF's bytes and 1-based page numbers, return what tesseract reads on each page."""
    exe = shutil.which("tesseract")
    if exe is None:
        raise NeedsOCR(f"{source}: scanned pages need OCR, and tesseract is not installed "
                       "(Debian: apt-get install tesseract-ocr tesseract-ocr-chi-sim)")
    pdf = pypdfium2.PdfDocument(data)
    try:
        return {n: _read_page(exe, pdf[n - 1]) for n in numbers}
    finally:
        pdf.close()


def _read_page(exe: str, page) -> OcrPage:
    """Given a pdfium page, return its narrative lines and tables."""
    grey = np.asarray(page.render(scale=_SCALE).to_pil().convert("L"))
    rules, edges = _rules(grey < _INK)
    tables = _tables(edges)
    clean = np.where(rules, 255, grey).astype(np.uint8)
    read = [_read_table(exe, clean, boxes) for boxes in tables]
    for boxes in tables:
        x0, top, x1, bottom = (round(v * _SCALE) for v in _bbox(boxes))
        clean[top:bottom + 1, x0:x1 + 1] = 255
    return OcrPage(_read_lines(exe, clean), read)


# ---------------------------------------------------------------- ruling lines -> cells

def _run_mask(ink: np.ndarray, axis: int, length: int) -> np.ndarray:
    """Given ink, return the pixels on a straight dark run of at least ``length`` along axis (1 = rows)."""
    def windows(a: np.ndarray, n: int) -> np.ndarray:  # sums of n consecutive values along axis
        c = np.cumsum(a, axis=axis, dtype=np.int32)
        c = np.concatenate([np.zeros_like(c.take([0], axis=axis)), c], axis=axis)
        size = a.shape[axis]
        return c.take(range(n, size + 1), axis=axis) - c.take(range(size + 1 - n), axis=axis)

    full = windows(ink, length) == length
    pad = [(0, 0), (0, 0)]
    pad[axis] = (length - 1, length - 1)
    return windows(np.pad(full, pad), length) > 0


def _rules(ink: np.ndarray) -> tuple[np.ndarray, list[dict]]:
    """Given a page's ink, return the mask of its ruling lines and the lines as edges in points.

    Horizontal rules are runs longer than any dash (``——``); vertical rules are the runs that
    reach from one horizontal rule to another, so strokes of characters never count.
    """
    h_mask = _run_mask(ink, 1, _RULE_H)
    h_edges = merge_edges(_segments(h_mask, "h"), 1, 1, 1, 1)
    rules = h_mask.copy()
    v_edges = []
    for e in _segments(_run_mask(ink & ~h_mask, 0, _RULE_V), "v"):
        if _on_rule(h_edges, e["x0"], e["top"]) and _on_rule(h_edges, e["x0"], e["bottom"]):
            v_edges.append(e)
            x, top, bottom = e["px"]
            rules[top:bottom, x] = True
    return rules, h_edges + v_edges


def _on_rule(rules: list[dict], x: float, y: float) -> bool:
    """Given a point in points, tell whether it lies on (next to) a horizontal rule."""
    near = 6 / _SCALE
    return any(abs(r["top"] - y) <= near and r["x0"] - near <= x <= r["x1"] + near for r in rules)


def _segments(mask: np.ndarray, orientation: str) -> list[dict]:
    """Given a rule mask, return its runs as pdfplumber edges in points (``px``: x/y, start, end in pixels)."""
    grid = mask if orientation == "h" else mask.T
    edges = []
    for i in np.flatnonzero(grid.any(axis=1)):
        line = np.diff(np.concatenate([[0], grid[i].astype(np.int8), [0]]))
        for a, b in zip(np.flatnonzero(line == 1), np.flatnonzero(line == -1)):
            p, q, at = a / _SCALE, b / _SCALE, i / _SCALE
            box = (p, at, q, at) if orientation == "h" else (at, p, at, q)
            edges.append({"x0": box[0], "top": box[1], "x1": box[2], "bottom": box[3], "orientation": orientation,
                          "width": box[2] - box[0], "height": box[3] - box[1], "object_type": "line",
                          "px": (int(i), int(a), int(b))})
    return edges


def _tables(edges: list[dict]) -> list[list[tuple[float, ...]]]:
    """Given the ruling lines of a page, return each table's cell boxes in points."""
    merged = merge_edges(edges, 3, 3, 3, 3)
    cells = intersections_to_cells(edges_to_intersections(merged, 3, 3))
    return [[tuple(float(v) for v in c) for c in t] for t in cells_to_tables(cells)]


def _bbox(boxes: list[tuple[float, ...]]) -> tuple[float, float, float, float]:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


# ---------------------------------------------------------------- tesseract

def _tesseract(exe: str, images: list[Image.Image], digits: bool = False) -> list[list[dict]]:
    """Given images, return tesseract's words on each: text, box in pixels and a line key.

    One tesseract run reads them all, each as its own page. With ``digits`` only digits and
    number signs are read (the English model, whitelisted).
    """
    how = ["-l", "eng", "-c", "tessedit_char_whitelist=0123456789.+-"] if digits else ["-l", LANG]
    with tempfile.TemporaryDirectory(prefix="report-parser-ocr-") as tmp:
        names = []
        for i, image in enumerate(images):
            names.append(os.path.join(tmp, f"{i:05d}.png"))
            image.save(names[-1])
        listing = os.path.join(tmp, "images.txt")
        with open(listing, "w", encoding="utf-8") as f:
            f.write("\n".join(names) + "\n")
        run = subprocess.run([exe, listing, "stdout", *how, "--psm", "6", "tsv"],
                             capture_output=True, timeout=TIMEOUT, check=False)
    if run.returncode != 0:
        raise NeedsOCR(f"tesseract failed: {run.stderr.decode('utf-8', 'replace').strip()[:300]}")
    pages: list[list[dict]] = [[] for _ in images]
    table = csv.DictReader(io.StringIO(run.stdout.decode("utf-8", "replace")), delimiter="\t", quoting=csv.QUOTE_NONE)
    for r in table:
        text = (r.get("text") or "").strip()
        if r.get("level") == "5" and text:
            x0, top = int(r["left"]), int(r["top"])
            pages[int(r["page_num"]) - 1].append({
                "text": text, "x0": x0, "top": top, "x1": x0 + int(r["width"]), "bottom": top + int(r["height"]),
                "line": (r["block_num"], r["par_num"], r["line_num"]), "conf": float(r.get("conf") or 0)})
    return pages


def _lines(words: list[dict]) -> list[list[dict]]:
    """Given words, return them grouped by tesseract's lines, top to bottom, each left to right."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for w in words:
        groups[w["line"]].append(w)
    return sorted((sorted(g, key=lambda w: w["x0"]) for g in groups.values()), key=lambda g: min(w["top"] for w in g))


def _join_words(words: list[dict]) -> str:
    """Given one line's words, return its text: no space next to CJK characters."""
    out = ""
    for w in words:
        if out and not (is_cjk(out[-1]) or is_cjk(w["text"][0])):
            out += " "
        out += w["text"]
    return out


def _fix_cell(text: str) -> str:
    """Given a cell's OCR text, undo the usual confusions: O for 0, l for 1, 一 for —, 〈 for （."""
    text = text.translate(_BRACKETS)
    compact = "".join(text.split())
    if _DASH.match(compact):
        return "—"
    if _DIGITS.match(compact):
        return compact.translate(str.maketrans("OoIl|", "00111"))
    return text


# ---------------------------------------------------------------- reading

def _ink_box(clean: np.ndarray, box: tuple[float, ...]) -> tuple[int, int, int, int] | None:
    """Given a cell box in points, return the pixel box of the ink inside it, or None when blank."""
    x0, top, x1, bottom = (round(v * _SCALE) for v in box)
    x0, top, x1, bottom = x0 + 4, top + 4, x1 - 4, bottom - 4
    region = clean[top:bottom, x0:x1] < _INK
    if region.sum() < 6:  # a speck is not text
        return None
    ys, xs = np.flatnonzero(region.any(axis=1)), np.flatnonzero(region.any(axis=0))
    return x0 + int(xs[0]), top + int(ys[0]), x0 + int(xs[-1]) + 1, top + int(ys[-1]) + 1


def _is_dash(ink: tuple[int, int, int, int]) -> bool:
    """Given a cell's ink box in pixels, tell whether the ink is one thin bar (a dash placeholder)."""
    width, height = ink[2] - ink[0], ink[3] - ink[1]
    return height <= 0.04 * DPI and width >= 3 * height


def _read_table(exe: str, clean: np.ndarray, boxes: list) -> OcrTable:
    """Given the cleaned page and a table's cell boxes, return the table with every cell read."""
    inks = [_ink_box(clean, b) for b in boxes]
    dashes = {i for i, ink in enumerate(inks) if ink and _is_dash(ink)}
    inks_read = [None if i in dashes else ink for i, ink in enumerate(inks)]
    held = _read_cells(exe, clean, inks_read, digits=False)
    texts = ["—" if i in dashes else _fix_cell(join_lines([_join_words(line) for line in lines]))
             for i, lines in enumerate(held)]
    _reread_numbers(exe, clean, inks_read, held, texts)
    # Ink that reads as nothing is not a blank cell: "?" leaves its row to the tables stage as unreadable.
    texts = ["?" if ink and not text else text for ink, text in zip(inks_read, texts)]
    out = []
    for ink, lines, text in zip(inks, held, texts):
        size = (ink[3] - ink[1]) / _SCALE / max(len(lines), 1) if ink else 0.0
        last = (lines[-1][-1]["x1"] - lines[-1][0]["x0"]) / _SCALE if lines else 0.0
        out.append((text, min(size, 24.0), last))
    return OcrTable(_bbox(boxes), boxes, out)


def _reread_numbers(exe: str, clean: np.ndarray, inks: list, held: list, texts: list[str]) -> None:
    """Read again, digits only, the cells that may hold a number; keep the more confident reading.

    The Chinese model drops a lone 1 or takes it for a character (工); so cells read as nothing,
    as one character other than 无, or as a number are read with digits only as well.
    """
    again = [i for i, t in enumerate(texts) if inks[i] and (not t or len(t) == 1 and t not in "无—/" or _DIGITS.match(t))]
    if not again:
        return
    retry = _read_cells(exe, clean, [inks[i] if i in again else None for i in range(len(inks))], digits=True)
    for i in again:
        number = "".join(w["text"] for line in retry[i] for w in line)
        if not _NUMBER.match(number):
            continue
        if not _DIGITS.match(texts[i]) or _confidence(retry[i]) > _confidence(held[i]):
            texts[i] = number


def _confidence(lines: list[list[dict]]) -> float:
    words = [w["conf"] for line in lines for w in line]
    return sum(words) / len(words) if words else -1.0


def _read_cells(exe: str, clean: np.ndarray, inks: list, digits: bool) -> list[list[list[dict]]]:
    """Given the ink boxes of cells (None: skip), read each crop on its own; return each cell's lines."""
    wanted = [i for i, ink in enumerate(inks) if ink]
    crops = [Image.fromarray(np.pad(clean[inks[i][1]:inks[i][3], inks[i][0]:inks[i][2]], 24, constant_values=255))
             for i in wanted]
    read = _tesseract(exe, crops, digits) if crops else []
    held: list[list[list[dict]]] = [[] for _ in inks]
    for i, words in zip(wanted, read):
        held[i] = _lines(words)
    return held


def _read_lines(exe: str, clean: np.ndarray) -> list[OcrLine]:
    """Given the page with rules and tables whitened, return its narrative lines in points."""
    out = []
    for line in _lines(_tesseract(exe, [Image.fromarray(clean)])[0]):
        x0, top = min(w["x0"] for w in line) / _SCALE, min(w["top"] for w in line) / _SCALE
        x1, bottom = max(w["x1"] for w in line) / _SCALE, max(w["bottom"] for w in line) / _SCALE
        out.append(OcrLine(_join_words(line), (x0, top, x1, bottom), bottom - top))
    return out
