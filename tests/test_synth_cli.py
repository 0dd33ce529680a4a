"""``report-parser synth``: a deterministic corpus of reports with answers, read back exactly."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from report_parser.cli import main

SCORER = Path(__file__).resolve().parents[2] / "shared" / "tools" / "score-corpus"


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("synth") / "c"
    assert main(["synth", "40", "--out", str(folder), "--seed", "3", "--jobs", "2"]) == 0
    return folder


def test_same_seed_same_corpus_whatever_the_workers(corpus, tmp_path):
    assert main(["synth", "40", "--out", str(tmp_path / "again"), "--seed", "3", "--jobs", "1"]) == 0
    assert tree(tmp_path / "again") == tree(corpus)
    assert main(["synth", "40", "--out", str(tmp_path / "other"), "--seed", "4", "--jobs", "1"]) == 0
    assert tree(tmp_path / "other") != tree(corpus)


def test_both_formats_templates_and_answers(corpus):
    raw = sorted((corpus / "raw").iterdir())
    gold = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((corpus / "gold").iterdir())]
    assert len(raw) == len(gold) == 40
    assert {p.suffix for p in raw} == {".txt", ".html"}
    assert {g["template"] for g in gold} == {"2019", "2021"}
    assert [p.stem for p in raw] == [g["id"] for g in gold]
    assert all(len(g["cells"]) in (198, 200) and g["tables"] == ["T2", "T3", "T4"] for g in gold)


def test_every_cell_reads_back_exactly(corpus, tmp_path):
    out = tmp_path / "run"
    assert main(["parse", str(corpus / "raw"), "--out", str(out), "--quiet"]) == 0
    with open(out / "reports.csv", encoding="utf-8", newline="") as f:
        stem = {r["report_id"]: Path(r["source"]).stem for r in csv.DictReader(f)}
    got: dict[str, dict] = defaultdict(dict)
    with open(out / "cells.csv", encoding="utf-8", newline="") as f:
        for c in csv.DictReader(f):
            got[stem[c["report_id"]]][(c["table"], c["row_path"], c["col_path"])] = (c["status"], c["value"], c["raw"])
    for path in sorted((corpus / "gold").iterdir()):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            status, value, _raw = got[path.stem][(cell["table"], cell["row_path"], cell["col_path"])]
            gold = cell["gold"]
            if gold == "":
                assert status == "blank", (path.stem, cell)
            elif gold.replace(".", "").lstrip("-").isdigit():
                assert (status, float(value)) == ("value", float(gold)), (path.stem, cell)
            else:
                assert status == "placeholder", (path.stem, cell)
    if SCORER.exists():  # the corpus scorer agrees
        done = subprocess.run([sys.executable, str(SCORER), "--corpus", str(corpus), "--out", str(out),
                               "--min-cell-accuracy", "1"], capture_output=True, text=True, check=False)
        assert done.returncode == 0 and "cell_accuracy=1.0000 spurious=0" in done.stdout, done.stdout


def test_text_only_and_bad_formats(tmp_path):
    assert main(["synth", "6", "--out", str(tmp_path / "t"), "--formats", "txt", "--jobs", "1"]) == 0
    assert {p.suffix for p in (tmp_path / "t" / "raw").iterdir()} == {".txt"}
    assert main(["synth", "6", "--out", str(tmp_path / "x"), "--formats", "pdf"]) == 2
    assert main(["synth", "-1", "--out", str(tmp_path / "y")]) == 2
