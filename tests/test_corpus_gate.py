"""Quality gate: parse the shared real corpus and score it with ../shared/tools/score-corpus.

The floors live in tests/quality_floors.json; raise them as the parser improves, never lower
them silently. The test skips cleanly when ../shared is not beside the repository.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "dev"
SCORER = SHARED / "tools" / "score-corpus"
FLOORS = json.loads((ROOT / "tests" / "quality_floors.json").read_text(encoding="utf-8"))

pytestmark = pytest.mark.skipif(not (CORPUS / "raw").is_dir() or not SCORER.exists(),
                                reason="../shared/corpus is not available")


def corpus_hash() -> str:
    h = hashlib.sha256()
    for path in sorted((CORPUS / "raw").iterdir()) + sorted((CORPUS / "gold").iterdir()):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def scores(tmp_path_factory) -> dict[str, float]:
    out = tmp_path_factory.mktemp("corpus-run")
    files = sorted(str(p) for p in (CORPUS / "raw").iterdir())
    run = subprocess.run([sys.executable, "-m", "report_parser", "parse", *files, "--out", str(out)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode in (0, 1), run.stderr
    score = subprocess.run([sys.executable, str(SCORER), "--corpus", str(CORPUS), "--out", str(out), "--details"],
                           capture_output=True, text=True, timeout=600)
    last = score.stdout.strip().splitlines()[-1]
    values = dict(re.findall(r"(\w+)=([\d.]+)", last))
    return {"summary": last, "details": score.stdout, **{k: float(v) for k, v in values.items()}}


def test_every_corpus_report_is_scored(scores):
    assert scores["missing"] == 0, scores["details"]


def test_cell_accuracy_floor(scores):
    assert scores["cell_accuracy"] >= FLOORS["cell_accuracy"], scores["details"]


def test_no_spurious_values(scores):
    assert scores["spurious"] <= FLOORS["max_spurious"], scores["details"]


def test_metadata_floor(scores):
    assert scores["meta_accuracy"] >= FLOORS["meta_accuracy"], scores["details"]


def test_part_recall_floor(scores):
    assert scores["part_recall"] >= FLOORS["part_recall"], scores["details"]


def test_floors_pin_the_corpus_they_were_measured_on():
    pinned = FLOORS.get("corpus_sha256")
    if pinned and pinned != corpus_hash():
        pytest.fail("the shared corpus changed since the floors were pinned: re-measure, then update "
                    "corpus_sha256 (and raise the floors if the parser does better)")
