"""Batch runs as a user runs them: real processes, worker pools, kill -9, hung documents, resume."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.dataset as ds
import pytest

from report_parser.batch.pool import ProcessPool
from report_parser.batch.progress import Progress
from report_parser.batch.work import HANG_ENV, Task, WorkSettings
from report_parser.pipeline import Options
from report_parser.records import COLUMNS, TABLES
from report_parser.synth_corpus import write_corpus

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "seed" / "000_72945e47686616df.txt"
csv.field_size_limit(sys.maxsize)


def env(**extra: str) -> dict[str, str]:
    e = dict(os.environ)
    e["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), e.get("PYTHONPATH")]))
    e.update(extra)
    return e


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "report_parser", *args]


def run_cli(*args: str, cwd: Path, timeout: float = 300, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(command(*args), cwd=cwd, env=env(**extra), capture_output=True, text=True,
                          timeout=timeout, check=False)


def text_files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.csv")) + sorted(out.glob("*.jsonl"))}


def dataset(out: Path, table: str) -> list[tuple]:
    """A Parquet dataset's rows, sorted (parts and partitions differ with where a run was cut)."""
    rows = ds.dataset(out / table, format="parquet", partitioning="hive").to_table().to_pylist()
    return sorted(tuple(sorted((k, str(v)) for k, v in r.items())) for r in rows)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("batch") / "corpus"
    write_corpus(folder, 60, seed=7, jobs=1)
    return folder


@pytest.fixture(scope="module")
def reference(corpus) -> Path:
    """An uninterrupted run with two workers: what every other run must reproduce."""
    out = corpus.parent / "reference"
    done = run_cli("parse", "corpus/raw", "--out", out.name, "--jobs", "2", "--part-size", "7",
                   "--format", "csv,parquet,jsonl", cwd=corpus.parent)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "60 reports: ok 60, partial 0, failed 0 → reference"
    return out


def same_output(a: Path, b: Path) -> None:
    assert text_files(a) == text_files(b)  # input order, byte for byte
    for table in TABLES:
        assert dataset(a, table) == dataset(b, table), table


def test_one_worker_in_process_writes_the_same_as_two(corpus, reference):
    done = run_cli("parse", "corpus/raw", "--out", "inline", "--jobs", "1", "--format", "csv,parquet,jsonl",
                   cwd=corpus.parent)
    assert done.returncode == 0, done.stderr
    same_output(reference, corpus.parent / "inline")


def test_parquet_rows_equal_the_json_lines_rows(reference):
    # Parquet is read from the workers' CSV text; JSON Lines is dumped from the rows themselves
    # (null and "" apart, numbers as numbers): both must hold the same values, row for row.
    for table in TABLES:
        parquet = ds.dataset(reference / table, format="parquet", partitioning="hive").to_table().to_pylist()
        lines = [json.loads(line) for line in (reference / f"{table}.jsonl").read_text(encoding="utf-8").splitlines()]
        assert len(parquet) == len(lines) > 0, table
        if table == "reports":
            assert sorted(str(r.pop("year") or "unknown") for r in lines) == sorted(str(r["year"]) for r in parquet)
        for row in parquet:
            del row["year"]
        assert sorted(map(_as_json, parquet)) == sorted(map(_as_json, lines)), table


def _as_json(row: dict) -> str:
    return json.dumps(row, sort_keys=True, ensure_ascii=False)


def test_parquet_alone_is_the_same_dataset(corpus, reference):
    done = run_cli("parse", "corpus/raw", "--out", "pq", "--jobs", "2", "--format", "parquet", cwd=corpus.parent)
    assert done.returncode == 0, done.stderr
    out = corpus.parent / "pq"
    assert not text_files(out)
    for table in TABLES:
        assert dataset(out, table) == dataset(reference, table), table


def test_rows_keep_input_order_and_parquet_is_partitioned_by_year(reference):
    with open(reference / "reports.csv", encoding="utf-8", newline="") as f:
        reports = list(csv.DictReader(f))
    assert [r["source"] for r in reports] == sorted(r["source"] for r in reports)
    years = {r["year"] for r in reports}
    assert {p.name for p in (reference / "cells").iterdir()} == {f"year={y}" for y in years}
    frame = pd.read_parquet(reference / "cells")  # pandas reads the folder as it is
    with open(reference / "cells.csv", encoding="utf-8", newline="") as f:
        assert len(frame) == sum(1 for _ in csv.reader(f)) - 1
    got = duckdb.sql(f"select year, count(distinct report_id) from read_parquet('{reference}/reports/**/*.parquet', "
                     "hive_partitioning=true) group by year").fetchall()
    assert sorted((str(y), n) for y, n in got) == sorted((y, sum(r["year"] == y for r in reports)) for y in years)


def test_unknown_year_partition_reads_everywhere(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    done = run_cli("parse", "in", "--out", "out", "--jobs", "1", cwd=tmp_path)
    assert done.returncode == 1
    assert sorted(p.name for p in (tmp_path / "out" / "reports").iterdir()) == ["year=2021", "year=unknown"]
    frame = pd.read_parquet(tmp_path / "out" / "reports")
    assert sorted(frame["year"].astype(str)) == ["2021", "unknown"]
    assert list(frame.columns) == [c for c in COLUMNS["reports"] if c != "year"] + ["year"]
    out = tmp_path / "out"
    rows = duckdb.sql(f"select d.year, r.status from read_parquet('{out}/diagnostics/**/*.parquet', "
                      f"hive_partitioning=true) d join read_parquet('{out}/reports/**/*.parquet', "
                      "hive_partitioning=true) r using (report_id, year)").fetchall()
    assert ("unknown", "failed") in rows


def _kill_at(cmd: list[str], cwd: Path, journal: Path, parts: int, jitter: float) -> None:
    """Run ``cmd``; once ``parts`` parts are committed, wait ``jitter`` seconds and kill -9 it."""
    proc = subprocess.Popen(cmd, cwd=cwd, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if journal.exists() and journal.read_bytes().count(b"\n") >= 1 + parts:
            break
        time.sleep(0.005)
    time.sleep(jitter)  # anywhere in the next part: rows half written, Parquet files half renamed
    proc.send_signal(signal.SIGKILL)  # kill -9 of the command (the kernel then kills its workers)
    proc.wait()


@pytest.mark.parametrize("seed", [1, 2])
def test_kill_9_at_a_random_point_then_rerun_equals_an_uninterrupted_run(corpus, reference, seed):
    rng = random.Random(seed)
    out = corpus.parent / f"killed{seed}"
    cmd = command("parse", "corpus/raw", "--out", out.name, "--jobs", "2", "--part-size", "7",
                  "--format", "csv,parquet,jsonl")
    _kill_at(cmd, corpus.parent, out / ".report-parser" / "journal.jsonl", rng.randint(1, 5), rng.uniform(0, 0.05))
    done = subprocess.run(cmd, cwd=corpus.parent, env=env(), capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().startswith("60 reports: ok 60, partial 0, failed 0 (")
    earlier = int(done.stderr.split("(")[1].split()[0])
    assert 7 <= earlier < 60, "killed while under way: some parts committed, some not"
    same_output(reference, out)
    lines = (out / ".report-parser" / "journal.jsonl").read_text().splitlines()
    keys = [r[0] for line in lines[1:] for r in json.loads(line)["reports"]]
    assert len(keys) == len(set(keys)) == 60


def test_ctrl_c_stops_command_and_workers_then_rerun_equals_an_uninterrupted_run(corpus, reference):
    """Ctrl-C reaches the whole foreground process group: the command and its workers."""
    psutil = pytest.importorskip("psutil")
    out = corpus.parent / "interrupted"
    cmd = command("parse", "corpus/raw", "--out", out.name, "--jobs", "2", "--part-size", "7",
                  "--format", "csv,parquet,jsonl")
    stuck = sorted((corpus / "raw").iterdir())[30].name  # the run stalls here, half done
    proc = subprocess.Popen(cmd, cwd=corpus.parent, env=env(REPORT_PARSER_TEST_HANG=stuck), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    journal, deadline = out / ".report-parser" / "journal.jsonl", time.monotonic() + 60
    while time.monotonic() < deadline and not (journal.exists() and journal.read_bytes().count(b"\n") >= 4):
        time.sleep(0.05)
    group = [proc.pid, *(p.pid for p in psutil.Process(proc.pid).children(recursive=True))]
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "interrupted; run the same command again to resume" in err
    assert not [pid for pid in group if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]
    done = subprocess.run(cmd, cwd=corpus.parent, env=env(), capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    earlier = int(done.stderr.split("(")[1].split()[0])
    assert 21 <= earlier < 60, done.stderr  # the parts committed before Ctrl-C were kept
    same_output(reference, out)


def test_a_torn_last_part_is_cut_back_and_redone(corpus, reference):
    out = corpus.parent / "torn"
    args = ("parse", "corpus/raw", "--out", out.name, "--jobs", "1", "--part-size", "7",
            "--format", "csv,parquet,jsonl")
    assert run_cli(*args, cwd=corpus.parent).returncode == 0
    journal = out / ".report-parser" / "journal.jsonl"
    lines = journal.read_bytes().splitlines(keepends=True)
    last = json.loads(lines[-1])
    journal.write_bytes(b"".join(lines[:-1]) + lines[-1][:40])  # the last journal line cut short
    for name in ("cells.csv", "reports.jsonl"):
        with open(out / name, "ab") as f:
            f.write(b"half a row,\xe5\xae")  # a row cut in the middle of a character
    (out / "cells" / "year=2099").mkdir()
    (out / "cells" / "year=2099" / f"part-{last['part'] + 1:05d}.parquet.tmp").write_bytes(b"PAR1")
    again = run_cli(*args, cwd=corpus.parent)
    assert again.returncode == 0, again.stderr
    assert f"({60 - len(last['reports'])} from an earlier run)" in again.stderr
    same_output(reference, out)


def test_rerun_of_a_finished_run_changes_nothing(corpus, reference, tmp_path):
    before = text_files(reference)
    done = run_cli("parse", "corpus/raw", "--out", reference.name, "--jobs", "2", "--part-size", "7",
                   "--format", "csv,parquet,jsonl", cwd=corpus.parent)
    assert done.returncode == 0 and "(60 from an earlier run)" in done.stderr
    assert text_files(reference) == before


def test_other_settings_need_fresh(tmp_path):
    (tmp_path / "a.txt").write_bytes(SEED.read_bytes())
    args = ("parse", "a.txt", "--out", "out", "--jobs", "1")
    assert run_cli(*args, cwd=tmp_path).returncode == 0
    other = run_cli(*args, "--format", "jsonl", cwd=tmp_path)
    assert other.returncode == 2 and "--fresh" in other.stderr
    fresh = run_cli(*args, "--format", "jsonl", "--fresh", cwd=tmp_path)
    assert fresh.returncode == 0, fresh.stderr
    assert not (tmp_path / "out" / "reports.csv").exists() and (tmp_path / "out" / "reports.jsonl").exists()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_hung_document_is_stopped_and_recorded_as_timeout(tmp_path, jobs):
    (tmp_path / "in").mkdir()
    for name in ("a.txt", "b_hang.txt", "c.txt"):
        (tmp_path / "in" / name).write_bytes(SEED.read_bytes() + name.encode())
    start = time.monotonic()
    done = run_cli("parse", "in", "--out", "out", "--jobs", jobs, "--timeout", "0.5", "--format", "csv",
                   cwd=tmp_path, REPORT_PARSER_TEST_HANG="_hang")
    assert time.monotonic() - start < 30
    assert done.returncode == 1, done.stderr
    assert "3 reports: ok 2, partial 0, failed 1" in done.stderr
    with open(tmp_path / "out" / "reports.csv", encoding="utf-8") as f:
        reports = {r["source"]: r for r in csv.DictReader(f)}
    hung = reports["in/b_hang.txt"]
    assert hung["status"] == "failed" and hung["sha256"]
    with open(tmp_path / "out" / "diagnostics.csv", encoding="utf-8") as f:
        codes = [d["code"] for d in csv.DictReader(f) if d["report_id"] == hung["report_id"]]
    assert codes == ["timeout"]


def test_excel_csv_has_a_bom_and_reads_back(tmp_path):
    (tmp_path / "a.txt").write_bytes(SEED.read_bytes())
    done = run_cli("parse", "a.txt", "--out", "out", "--excel", "--format", "csv", "--jobs", "1", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for table in TABLES:
        data = (tmp_path / "out" / f"{table}.csv").read_bytes()
        assert data.startswith(b"\xef\xbb\xbf" + ",".join(COLUMNS[table]).encode())
    frame = pd.read_csv(tmp_path / "out" / "reports.csv", encoding="utf-8-sig")
    assert frame["agency"].iloc[0] == "宿迁市人力资源和社会保障局"


def test_quiet_keeps_only_the_summary(tmp_path):
    (tmp_path / "in").mkdir()
    for name in ("a.txt", "b.txt"):
        (tmp_path / "in" / name).write_bytes(SEED.read_bytes())
    done = run_cli("parse", "in", "--out", "out", "--quiet", "--jobs", "1", cwd=tmp_path)
    assert done.stderr.strip() == "1 reports: ok 1, partial 0, failed 0 → out"


def test_run_is_an_alias_of_parse(tmp_path):
    (tmp_path / "a.txt").write_bytes(SEED.read_bytes())
    done = run_cli("run", "a.txt", "--out", "out", "--jobs", "1", cwd=tmp_path)
    assert done.returncode == 0 and (tmp_path / "out" / "cells.csv").exists()


@pytest.mark.parametrize("args", [["--jobs", "0"], ["--timeout", "0"], ["--executor", "dask"],
                                  ["--scheduler", "tcp://127.0.0.1:1"], ["--part-size", "0"]])
def test_bad_batch_flags_are_usage_errors(tmp_path, args):
    done = run_cli("parse", "x.txt", "--out", "o", *args, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert not (tmp_path / "o").exists()


def test_progress_lines_and_bar():
    plain = io.StringIO()
    p = Progress(4, stream=plain, every=0)
    for status in ("ok", "partial", "failed"):
        p.add(status)
    assert plain.getvalue().splitlines()[-1].startswith("report-parser: 3/4 reports  ok 1  partial 1  failed 1")

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    bar = Progress(2, stream=tty)
    bar._last -= 1  # due now
    bar.add("ok")
    bar.close()
    assert tty.getvalue().startswith("\r[############............] 1/2 reports  ok 1") and tty.getvalue().endswith("\r\x1b[K")


def test_a_worker_that_dies_costs_only_its_document(tmp_path):
    """The OOM killer's way: SIGKILL the workers while one is stuck on a document."""
    psutil = pytest.importorskip("psutil")
    (tmp_path / "in").mkdir()
    for name in ("a.txt", "b_hang.txt", "c.txt"):
        (tmp_path / "in" / name).write_bytes(SEED.read_bytes() + name.encode())
    proc = subprocess.Popen(command("parse", "in", "--out", "out", "--jobs", "2", "--timeout", "60", "--format", "csv"),
                            cwd=tmp_path, env=env(REPORT_PARSER_TEST_HANG="_hang"), stderr=subprocess.PIPE, text=True)
    workers, quiet, deadline = [], 0, time.monotonic() + 60
    while quiet < 20 and time.monotonic() < deadline:  # until a and c are done and b sleeps
        time.sleep(0.05)
        workers = [p for p in psutil.Process(proc.pid).children() if "resource_tracker" not in " ".join(p.cmdline())]
        idle = len(workers) == 2 and all(p.status() == psutil.STATUS_SLEEPING for p in workers)
        quiet = quiet + 1 if idle else 0
    assert workers, "the worker processes are the command's children"
    for worker in workers:
        worker.kill()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    with open(tmp_path / "out" / "reports.csv", encoding="utf-8") as f:
        reports = {r["source"]: r for r in csv.DictReader(f)}
    assert [reports[f"in/{n}"]["status"] for n in ("a.txt", "b_hang.txt", "c.txt")] == ["ok", "failed", "ok"]
    with open(tmp_path / "out" / "diagnostics.csv", encoding="utf-8") as f:
        codes = [d["code"] for d in csv.DictReader(f) if d["report_id"] == reports["in/b_hang.txt"]["report_id"]]
    assert codes == ["worker_died"]


@pytest.mark.parametrize("size", [1024, 3 * 1024 * 1024])
def test_a_busy_worker_is_sent_small_documents_deep_and_large_ones_shallow(monkeypatch, size):
    """Workers keep a queue so they never wait for the parent, bounded in count and in bytes."""
    monkeypatch.setenv(HANG_ENV, "_hang")  # the worker sleeps on its first document
    pool = ProcessPool(1, WorkSettings(Options(), frozenset({"csv"}), dict(COLUMNS)), timeout=60)
    held = 0
    try:
        while pool.has_room() and held < 100:
            pool.submit(Task(held, f"{held}_hang.txt" if held == 0 else f"{held}.txt", b"x" * size))
            held += 1
    finally:
        pool.close()
    if size * ProcessPool.DEPTH < ProcessPool.QUEUE_BYTES:
        assert held == ProcessPool.DEPTH
    else:
        assert held == -(-ProcessPool.QUEUE_BYTES // size)  # until the queued bytes reach the bound
        assert held < ProcessPool.DEPTH
