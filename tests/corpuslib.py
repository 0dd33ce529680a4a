"""The shared real corpus (../shared/corpus/dev) as tests read it; tests skip when it is absent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev"


def corpus_texts() -> list[tuple[str, str, dict]]:
    """Return (id, text, answer) for every raw/*.txt of the corpus, or skip when it is absent."""
    if not (CORPUS / "raw").is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    out = []
    for raw in sorted((CORPUS / "raw").glob("*.txt")):
        gold = CORPUS / "gold" / f"{raw.stem}.json"
        if gold.exists():
            out.append((raw.stem, raw.read_text(encoding="utf-8"), json.loads(gold.read_text(encoding="utf-8"))))
    return out
