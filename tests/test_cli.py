"""The ``report-parser`` command, run as a user would: a real process on real files."""

from __future__ import annotations

import csv
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from report_parser.cli import origin_of
from report_parser.records import TABLES, to_arrow

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "seed" / "000_72945e47686616df.txt"
RECIPE = """红烧肉做法

材料：五花肉500克，冰糖30克，生抽2勺，老抽1勺，料酒2勺，姜3片，葱2段，八角2个。
一、五花肉切成3厘米见方的块，冷水下锅焯水，撇去浮沫后捞出。
二、锅中放少许油，小火放入冰糖炒出糖色，倒入肉块翻炒上色。
三、加入料酒、生抽、老抽、姜片、葱段和八角，倒入没过肉的开水。
四、大火烧开后转小火炖60分钟，最后大火收汁即可。
"""
csv.field_size_limit(sys.maxsize)  # the huge file's text is one 20 MB field of parts.csv
NARRATIVE = ("全年主动公开政府信息数592条，通过政府网站公开政府信息数385条，"
             "进一步健全政务公开工作机制，持续提升政府信息公开质量。\n")


def run_cli(*args: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-m", "report_parser", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def read_csv(out: Path, table: str) -> list[dict[str, str]]:
    with (out / f"{table}.csv").open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_version(tmp_path):
    done = run_cli("--version", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout.strip() == "report-parser 0.1.0"


@pytest.mark.parametrize("args", [["--help"], ["parse", "--help"]])
def test_help(tmp_path, args):
    done = run_cli(*args, cwd=tmp_path)
    assert done.returncode == 0
    assert "usage: report-parser" in done.stdout
    assert ("--out" in done.stdout) == (args[0] == "parse")


@pytest.mark.parametrize("args", [
    [], ["parse"], ["parse", "x.txt"], ["parse", "x.txt", "--out", "o", "--format", "xlsx"],
    ["frobnicate"],
])
def test_usage_errors_exit_2(tmp_path, args):
    done = run_cli(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert not (tmp_path / "o").exists()


def test_seed(tmp_path):
    shutil.copy(SEED, tmp_path / "seed.txt")
    done = run_cli("parse", "seed.txt", "--out", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "1 reports: ok 1, partial 0, failed 0 → out"
    (report,) = read_csv(tmp_path / "out", "reports")
    assert report["source"] == "seed.txt"
    assert (report["status"], report["template"], report["year"]) == ("ok", "2021", "2021")
    assert report["agency"] == "宿迁市人力资源和社会保障局"
    cells = read_csv(tmp_path / "out", "cells")
    assert len(cells) == 200 and {c["report_id"] for c in cells} == {report["report_id"]}
    for table in TABLES:
        assert pq.read_table(tmp_path / "out" / table).num_rows == len(  # a dataset partitioned by year
            read_csv(tmp_path / "out", table))
    assert not list((tmp_path / "out").glob("*.jsonl"))


def test_folder_is_walked_sorted_skipping_hidden(tmp_path):
    (tmp_path / "in" / "b").mkdir(parents=True)
    (tmp_path / "in" / ".git").mkdir()
    for name in ("in/b/z.txt", "in/a.txt", "in/.hidden.txt", "in/.git/x.txt", "in/c.txt"):
        (tmp_path / name).write_bytes(SEED.read_bytes() + name.encode())  # distinct bytes, distinct ids
    done = run_cli("parse", "in", "--out", "out", "--format", "jsonl,csv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    sources = [r["source"] for r in read_csv(tmp_path / "out", "reports")]
    assert sources == ["in/a.txt", "in/b/z.txt", "in/c.txt"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.name != ".report-parser") == sorted(
        f"{t}.{f}" for t in TABLES for f in ("csv", "jsonl"))  # .report-parser: the run's journal


def test_identical_files_are_one_report_written_once(tmp_path):
    (tmp_path / "in").mkdir()
    for name in ("a.txt", "b.txt"):
        shutil.copy(SEED, tmp_path / "in" / name)
    done = run_cli("parse", "in", "--out", "out", "--format", "csv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert [r["source"] for r in read_csv(tmp_path / "out", "reports")] == ["in/a.txt"]
    assert len(read_csv(tmp_path / "out", "cells")) == 200
    assert "same content as in/a.txt" in done.stderr


def _bad_inputs(folder: Path) -> dict[str, bytes]:
    """Write the bad-input files (and one good report) into ``folder``; return name -> bytes."""
    rng = random.Random(20240611)
    seed = SEED.read_bytes()
    files = {
        "empty.txt": b"",
        "random.bin": rng.randbytes(64 * 1024),
        "image.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.randbytes(4096),
        "huge.txt": NARRATIVE.encode() * (20 * 1024 * 1024 // len(NARRATIVE.encode()) + 1),
        "recipe.txt": RECIPE.encode(),
        "truncated.txt": seed[:3000],
        "zz_good.txt": seed,
    }
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return files


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bad")
    files = _bad_inputs(tmp / "in")
    done = run_cli("parse", "in", "missing.txt", "--out", "out", "--format", "csv,parquet,jsonl", cwd=tmp)
    reports = {r["source"]: r for r in read_csv(tmp / "out", "reports")}
    return tmp / "out", done, files, reports


def test_bad_inputs_every_file_gets_a_row(bad_run):
    out, done, files, reports = bad_run
    assert list(reports) == [f"in/{name}" for name in sorted(files)] + ["missing.txt"]
    assert done.returncode == 1, done.stderr
    assert "8 reports: ok 1," in done.stderr and "→ out" in done.stderr


@pytest.mark.parametrize("name", ["empty.txt", "random.bin", "image.png", "huge.txt", "recipe.txt",
                                  "truncated.txt", "missing.txt"])
def test_bad_input_is_failed_or_partial_with_reasons(bad_run, name):
    out, _, _, reports = bad_run
    report = reports[name if name == "missing.txt" else f"in/{name}"]
    assert report["status"] in ("failed", "partial")
    if report["status"] == "failed":
        diags = [d for d in read_csv(out, "diagnostics") if d["report_id"] == report["report_id"]]
        assert any(d["level"] == "error" for d in diags), diags


def test_bad_inputs_do_not_cost_the_good_file_its_records(bad_run):
    out, _, _, reports = bad_run
    good = reports["in/zz_good.txt"]
    assert good["status"] == "ok"
    cells = [c for c in read_csv(out, "cells") if c["report_id"] == good["report_id"]]
    parts = [p for p in read_csv(out, "parts") if p["report_id"] == good["report_id"]]
    assert len(cells) == 200 and {"1", "2", "3", "4", "5", "6"} <= {p["part"] for p in parts}
    for table in TABLES:
        n = len(read_csv(out, table))
        assert pq.read_table(out / table).num_rows == n
        assert len((out / f"{table}.jsonl").read_text(encoding="utf-8").splitlines()) == n


def test_missing_file_says_why(bad_run):
    out, _, _, reports = bad_run
    rid = reports["missing.txt"]["report_id"]
    (diag,) = [d for d in read_csv(out, "diagnostics") if d["report_id"] == rid]
    assert (diag["stage"], diag["level"], diag["code"]) == ("read", "error", "unreadable")


def test_file_over_the_size_limit_is_a_failed_row(tmp_path):
    shutil.copy(SEED, tmp_path / "seed.txt")
    done = run_cli("parse", "seed.txt", "--out", "out", "--max-bytes", "1000", cwd=tmp_path)
    assert done.returncode == 1
    (report,) = read_csv(tmp_path / "out", "reports")
    (diag,) = read_csv(tmp_path / "out", "diagnostics")
    assert report["status"] == "failed" and diag["code"] == "too_large"
    assert report["report_id"] == diag["report_id"] and report["sha256"] == ""


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_is_a_failed_row(tmp_path):
    locked = tmp_path / "locked.txt"
    shutil.copy(SEED, locked)
    locked.chmod(0)
    done = run_cli("parse", "locked.txt", "--out", "out", cwd=tmp_path)
    assert done.returncode == 1
    (diag,) = read_csv(tmp_path / "out", "diagnostics")
    assert diag["code"] == "unreadable" and "PermissionError" in diag["message"]


def test_empty_folder_writes_headers_and_says_so(tmp_path):
    (tmp_path / "in").mkdir()
    done = run_cli("parse", "in", "--out", "out", cwd=tmp_path)
    assert done.returncode == 0
    assert "no input files" in done.stderr and "0 reports" in done.stderr
    assert read_csv(tmp_path / "out", "reports") == []


def test_an_internal_error_is_traced_to_its_stage():
    with pytest.raises(KeyError) as info:
        to_arrow("no such table", [])
    stage, where = origin_of(info.value)
    assert stage == "records" and where.startswith("records.py:")


def test_folder_walk_leaves_answers_scripts_and_notes_alone(tmp_path):
    (tmp_path / "in").mkdir()
    shutil.copy(SEED, tmp_path / "in" / "report.txt")
    for name in ("report.json", "make.py", "README.md", "notes.csv"):
        (tmp_path / "in" / name).write_text("{}", encoding="utf-8")
    (tmp_path / "in" / "scan.bin").write_bytes(b"\x00\x01binary")
    done = run_cli("parse", "in", "--out", "out", "--format", "csv", cwd=tmp_path)
    rows = {r["source"]: r["status"] for r in read_csv(tmp_path / "out", "reports")}
    assert rows == {"in/report.txt": "ok", "in/scan.bin": "failed"}
    assert done.returncode == 1  # the binary file failed; it is a row, not a crash
    assert run_cli("parse", "in/make.py", "--out", "out2", "--format", "csv", cwd=tmp_path).returncode == 1
