"""A corpus of synthetic reports with known answers: ``report-parser synth N --out DIR``.

Writes ``DIR/raw/<id>.<ext>`` and ``DIR/gold/<id>.json`` (the corpus gold format,
``shared/corpus/GOLD.md``), so that ``score-corpus --corpus DIR --out RUN`` scores a run of
``report-parser parse DIR/raw --out RUN``. Report ``i`` is drawn from its own random source
seeded with ``(seed, i)``: the corpus is the same for a seed whatever the number of workers.

Text reports go through ``synth.render`` in every dialect (both templates, Traditional and
half-width variants as ``synth`` draws them); web pages through ``synth_html.render_html``
(CMS and Word-exported layouts; one in three encoded as GBK with a gb2312 meta).
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import synth, synth_html

FORMATS = ("txt", "html")
CHUNK = 250


@dataclass(frozen=True, slots=True)
class SynthDoc:
    """One synthetic report: its id, file extension, bytes and answer (gold JSON text)."""

    id: str
    ext: str
    data: bytes
    gold: str


def doc_id(i: int) -> str:
    """Given a report's index, return its id (also its file name without extension)."""
    return f"syn{i:06d}"


def make_doc(seed: int, i: int, formats: Sequence[str] = FORMATS) -> SynthDoc:
    """Given a seed, an index and the formats to draw from, return report ``i`` of the corpus."""
    rng = random.Random(f"report-parser-synth/{seed}/{i}")
    fmt = rng.choice(tuple(formats))
    template = rng.choice(("2019", "2021"))
    agency = rng.choice(synth.PLACES) + rng.choice(synth.BODIES)
    year = rng.choice((2019, 2020)) if template == "2019" else rng.randint(2021, 2024)
    traditional = False
    if fmt == "html":
        values = synth.random_values(template, rng)
        charset = "gb2312" if rng.random() < 1 / 3 else "utf-8"
        page = synth_html.render_html(template, values, rng, style=rng.choice(synth_html.STYLES),
                                      agency=agency, year=year, charset=charset)
        data = page.encode("gb18030" if charset == "gb2312" else "utf-8")
    else:
        dialect = rng.choice(synth.DIALECTS)
        values = synth.sample(template, dialect, rng)
        text = synth.render(template, values, dialect, rng, agency=agency, year=year)
        traditional = synth.to_traditional(text) == text
        data = text.encode("utf-8")
    gold = gold_record(doc_id(i), template, values, agency, year, traditional)
    return SynthDoc(doc_id(i), fmt, data, json.dumps(gold, ensure_ascii=False) + "\n")


def gold_record(rid: str, template: str, values: dict[synth.Key, str], agency: str, year: int,
                traditional: bool) -> dict[str, object]:
    """Given one report's values and metadata, return its answer in the corpus gold format."""
    cells = []
    for table, row, col, status, value in synth.answers(template, values):
        if status == "placeholder" and traditional:
            value = synth.to_traditional(value)
        cells.append({"table": table, "row_path": row, "col_path": col, "gold": value})
    return {"id": rid, "template": template, "year": year, "agency": agency, "parts": [1, 2, 3, 4, 5, 6],
            "tables": ["T2", "T3", "T4"], "cells": cells, "unscored": []}


def write_range(out: str, seed: int, start: int, stop: int, formats: Sequence[str]) -> int:
    """Given a folder and a range of indices, write those reports and answers; return how many."""
    raw, gold = Path(out) / "raw", Path(out) / "gold"
    for i in range(start, stop):
        doc = make_doc(seed, i, formats)
        (raw / f"{doc.id}.{doc.ext}").write_bytes(doc.data)
        (gold / f"{doc.id}.json").write_text(doc.gold, encoding="utf-8")
    return stop - start


def write_corpus(out: str | Path, n: int, *, seed: int = 0, formats: Sequence[str] = FORMATS,
                 jobs: int | None = None) -> int:
    """Write ``n`` reports and their answers under ``out`` (in worker processes); return ``n``."""
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown or not formats:
        raise ValueError(f"formats must be a non-empty subset of {list(FORMATS)}, got {list(formats)}")
    for sub in ("raw", "gold"):
        (Path(out) / sub).mkdir(parents=True, exist_ok=True)
    ranges = [(s, min(s + CHUNK, n)) for s in range(0, n, CHUNK)]
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(ranges)))
    if jobs == 1:
        return sum(write_range(str(out), seed, a, b, formats) for a, b in ranges)
    import multiprocessing

    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("forkserver")) as pool:
        futures = [pool.submit(write_range, str(out), seed, a, b, tuple(formats)) for a, b in ranges]
        return sum(f.result() for f in futures)


__all__ = ["FORMATS", "SynthDoc", "doc_id", "gold_record", "make_doc", "write_corpus"]
